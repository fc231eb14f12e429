package models_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/learner"
)

// TestEntries: every model answers to its registry name, builds its
// default setup, and every kind of stream has one name per role.
func TestEntries(t *testing.T) {
	for _, name := range models.Names() {
		m, err := models.Get(name)
		require.NoError(t, err)
		assert.Equal(t, name, m.Name)
		_, err = m.Default()
		assert.NoError(t, err, name)
	}
	_, err := models.Get("svm")
	assert.EqualError(t, err, `unknown model "svm" (want one of [alcove clustering distrlearner dnn dualstream exit multiunit sustain])`)

	kinds := models.Kinds()
	seen := map[learner.Role]map[string]bool{learner.Fast: {}, learner.Slow: {}}
	for _, k := range kinds {
		require.Contains(t, seen, k.Role, k.Name)
		assert.False(t, seen[k.Role][k.Name], "two %s kinds called %s", k.Role, k.Name)
		seen[k.Role][k.Name] = true
	}
	assert.Equal(t, []string{"alcove", "clustering", "distr_learner", "distr_learner_mu", "exit", "multiunit_clustering", "sustain"},
		kinds.Names(learner.Fast))
	assert.Equal(t, []string{"dnn"}, kinds.Names(learner.Slow))
}
