package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSyncSample(t *testing.T) {
	t.Setenv("JCRM_URL", "")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), nil, &out))
	assert.Contains(t, out.String(), "line 4: ")
	assert.Contains(t, out.String(), "created 2, updated 1, unchanged 0, failed 1")
}

func TestSyncFileWithAFailureExitsNonZero(t *testing.T) {
	t.Setenv("JCRM_URL", "")
	path := filepath.Join(t.TempDir(), "c.csv")
	require.NoError(t, os.WriteFile(path, []byte("email,fname\nok@example.com,Ok\nbad,Bad\n"), 0o600))
	var out bytes.Buffer
	err := run(context.Background(), []string{path}, &out)
	require.Error(t, err)
	assert.Contains(t, out.String(), "created 1, updated 0, unchanged 0, failed 1")
}
