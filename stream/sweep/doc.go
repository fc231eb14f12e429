// Package sweep runs hyper-parameter sweeps: a sweep is a list of configs
// of one model (each a name, a number and the config, as TOML text or as
// the model's config value), and Run runs a range or a shard of them with
// all their runs on one worker pool, writing each config's results folder
// atomically with a marker (sweep.json) that holds the config's checksum
// and its files' sums, so that a killed sweep resumes where it stopped,
// two sweeps into one folder never run the same config (claims), and
// cluster shards never write the same file. Report ranks the finished
// configs by a metric of their learning curves.
//
// The package knows no model by name and reads no spec: a Go caller
// builds the list of configs (see the example); the sweep command's TOML
// specs and grids are cmd/internal/sweepspec's, which makes such a list.
//
// The original project (don-tpanic/thinking_fast_and_slow, Luo & Love)
// generated its sweeps with config_generator.py, ran one process per
// config and logged each config to a tracking service; this package
// replaces all three with files (reference-models.md §8).
package sweep
