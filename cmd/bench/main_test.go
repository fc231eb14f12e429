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
