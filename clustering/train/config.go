// Package train holds the clustering model's config (the original's YAML
// keys, as TOML), its defaults (the original's config1), its validation,
// and its wiring into the command line and the dual stream.
package train

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/fastslow/clustering/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Keys are the keys of the clustering model, named as in the original's
// YAML: a single-stream config has them at the top level, a dual-stream
// config under fast_config.
type Keys struct {
	MaxNumClusters       int         `toml:"max_num_clusters"`        // K; unit k belongs to the item of signature k
	InFeatures           int         `toml:"in_features"`             // D, the stimulus dimensions
	R                    float64     `toml:"r"`                       // power of the dimensional distances
	Q                    float64     `toml:"q"`                       // the activation uses distance^(q/r)
	Specificity          float64     `toml:"specificity"`             // c
	HighAttnConstraint   string      `toml:"high_attn_constraint"`    // "sumtoone" (or "none": our name for the original's no-constraint branch)
	Beta                 float64     `toml:"beta"`                    // β of the equivalent competition temperature
	TempCompetition      Temperature `toml:"temp_competition"`        // "equivalent" or a number
	TempSoftWTA          float64     `toml:"temp_softwta"`            // soft winner-take-all temperature
	Phi                  float64     `toml:"Phi"`                     // scale of the logits
	Thr                  float64     `toml:"thr"`                     // recruit when the total support is below
	LRClustering         float64     `toml:"lr_clustering"`           // base learning rate
	CenterLRMultiplier   float64     `toml:"center_lr_multiplier"`    // × lr for the centres
	HighAttnLRMultiplier float64     `toml:"high_attn_lr_multiplier"` // × lr for the attention
	AssoLRMultiplier     float64     `toml:"asso_lr_multiplier"`      // × lr for the association weights
}

// Config is a single-stream config of the clustering model.
type Config struct {
	config.Loop
	Keys
}

// Ignored lists the keys the original's configs carry but its clustering
// model never reads (out_features is stored by the layers but changes
// nothing); a config may have them and they are reported, not used.
var Ignored = []string{"high_attn_regularizer", "high_attn_reg_strength", "num_clusters", "from_logits", "out_features"}

// RequiredKeys are the model keys a config must set (the original fails
// on a missing one); temp_competition's β is required only with the
// equivalent temperature.
var RequiredKeys = []string{"max_num_clusters", "in_features", "r", "q", "specificity", "high_attn_constraint",
	"temp_competition", "temp_softwta", "Phi", "thr", "lr_clustering", "center_lr_multiplier",
	"high_attn_lr_multiplier", "asso_lr_multiplier"}

// Default returns the original's clustering_model/configs/config1.yaml
// (SHJ, 8 clusters, 3 dimensions, 50 runs × 32 blocks), on the six SHJ
// types.
func Default() Config {
	return Config{
		Loop: config.Loop{ConfigVersion: "config1", NumBlocks: 32, NumRuns: 50, RandomSeed: 999,
			LossFn: "bcelogits", Optim: "sgd", Task: "shj"},
		Keys: Keys{
			MaxNumClusters: 8, InFeatures: 3, R: 2, Q: 1, Specificity: 0.25,
			HighAttnConstraint: "sumtoone", Beta: 3, TempCompetition: Equivalent(), TempSoftWTA: 0.012,
			Phi: 10, Thr: -0.4, LRClustering: 0.1,
			CenterLRMultiplier: 1, HighAttnLRMultiplier: 1, AssoLRMultiplier: 1,
		},
	}
}

// Required returns the model keys a config with these keys must set:
// RequiredKeys, and beta with the equivalent temperature. A dual-stream
// config checks its fast_config table with it.
func (k *Keys) Required() []string {
	r := slices.Clone(RequiredKeys)
	if k.TempCompetition.Equivalent {
		r = append(r, "beta")
	}
	return r
}

// Check reports model keys that cannot run, naming the key.
func (k *Keys) Check() error {
	_, err := k.Params()
	return err
}

// Params returns the model's hyper-parameters, checked.
func (k *Keys) Params() (model.Params, error) {
	p := model.Params{
		Clusters: k.MaxNumClusters, Dims: k.InFeatures, R: k.R, Q: k.Q, Specificity: k.Specificity,
		Equivalent: k.TempCompetition.Equivalent, Beta: k.Beta, TempCompetition: k.TempCompetition.Value,
		TempSoftWTA: k.TempSoftWTA, Phi: k.Phi, Thr: k.Thr,
		LRCentres:   k.LRClustering * k.CenterLRMultiplier,
		LRAttention: k.LRClustering * k.HighAttnLRMultiplier,
		LRAssoc:     k.LRClustering * k.AssoLRMultiplier,
	}
	switch k.HighAttnConstraint {
	case "sumtoone":
		p.SumToOne = true
	case "none":
	default:
		return p, fmt.Errorf("high_attn_constraint = %q: want \"sumtoone\" (or \"none\" for no constraint)", k.HighAttnConstraint)
	}
	if !(k.LRClustering >= 0) || math.IsInf(k.LRClustering, 0) {
		return p, fmt.Errorf("lr_clustering = %v: want a finite number ≥ 0", k.LRClustering)
	}
	if err := p.Check(); err != nil {
		return p, err
	}
	return p, nil
}

// New returns a fresh model for task t, checking that the task fits the
// keys: in_features dimensions, two classes, and a unit for every item's
// signature (the original recruits unit k for the item of signature k).
// The model draws no random numbers.
func (k *Keys) New(t *task.Task, _ seed.Source) (stream.Stream, error) {
	p, err := k.Params()
	if err != nil {
		return nil, err
	}
	if t.Dims != k.InFeatures {
		return nil, fmt.Errorf("in_features = %d, but task %s has %d dimensions", k.InFeatures, t.Name, t.Dims)
	}
	if t.Classes != model.Classes {
		return nil, fmt.Errorf("task %s has %d classes: the clustering model answers two", t.Name, t.Classes)
	}
	for _, it := range t.Items {
		if it.Signature < 0 || it.Signature >= k.MaxNumClusters {
			return nil, fmt.Errorf("max_num_clusters = %d, but task %s has an item of signature %d: the model recruits unit k for the item of signature k, so it needs max_num_clusters > every signature",
				k.MaxNumClusters, t.Name, it.Signature)
		}
	}
	return learner.Stream(model.New(p))
}

// Temperature is the competition's temperature: the original's
// "equivalent" (h/(β ln h), from beta) or a number.
type Temperature struct {
	Equivalent bool
	Value      float64
}

// Equivalent returns the "equivalent" temperature.
func Equivalent() Temperature { return Temperature{Equivalent: true} }

// UnmarshalTOML implements toml.Unmarshaler: "equivalent" or a number.
func (t *Temperature) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		if x != "equivalent" {
			return fmt.Errorf("temp_competition = %q: want \"equivalent\" or a number", x)
		}
		*t = Temperature{Equivalent: true}
	case float64:
		*t = Temperature{Value: x}
	case int64:
		*t = Temperature{Value: float64(x)}
	default:
		return fmt.Errorf("temp_competition = %v: want \"equivalent\" or a number", v)
	}
	return nil
}

// MarshalTOML implements toml.Marshaler.
func (t Temperature) MarshalTOML() ([]byte, error) {
	if t.Equivalent {
		return []byte(`"equivalent"`), nil
	}
	return []byte(strconv.FormatFloat(t.Value, 'g', -1, 64)), nil
}

// MarshalJSON implements json.Marshaler, as MarshalTOML.
func (t Temperature) MarshalJSON() ([]byte, error) { return t.MarshalTOML() }

// Memory implements cli.Sizer: max_num_clusters units with their centres,
// attention and association weights, their gradients and a checkpoint's
// copy.
func (k *Keys) Memory(t *task.Task) budget.Estimate {
	per := max(k.InFeatures, t.Dims) + t.Classes + 4
	return budget.Estimate{Bytes: budget.Floats(max(k.MaxNumClusters, 1), per).Times(4),
		Keys: fmt.Sprintf("max_num_clusters = %d", k.MaxNumClusters)}
}
