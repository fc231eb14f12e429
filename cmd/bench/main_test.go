package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBenchOneModel(t *testing.T) {
	var out, errb bytes.Buffer
	code := command([]string{"-models", "clustering", "-runs", "2"}, &out, &errb)
	assert.Equal(t, 0, code, errb.String())
	assert.Contains(t, out.String(), "clustering")
	assert.Contains(t, out.String(), "4.56ms")
	assert.Equal(t, 2, command([]string{"-models", "nope"}, &out, &errb))
}

func TestBenchMachine(t *testing.T) {
	if testing.Short() {
		t.Skip("measures for about 1.2 s")
	}
	var out, errb bytes.Buffer
	assert.Equal(t, 0, command([]string{"-machine"}, &out, &errb), errb.String())
	for _, y := range []string{"scalar FMA", "affine.Step in L1", "read 16 MB", "update 16 MB"} {
		assert.Contains(t, out.String(), y)
	}
}
