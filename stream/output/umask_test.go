//go:build unix

package output_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/output"
)

func TestPermissionsFollowUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	final := filepath.Join(t.TempDir(), "res")
	write(t, final, nil)
	fi, err := os.Stat(final)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm())
	f, err := output.CreateTemp(final, ".x")
	require.NoError(t, err)
	f.Close()
	fi, err = os.Stat(f.Name())
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
}
