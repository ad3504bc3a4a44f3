package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExportFormats(t *testing.T) {
	t.Setenv("JCRM_URL", "")
	var out, diag bytes.Buffer
	require.NoError(t, run(context.Background(), "jsonl", 10, &out, &diag))
	assert.Equal(t, 25, strings.Count(out.String(), "\n"), "one line per contact across 3 pages")
	assert.Contains(t, diag.String(), "exported 25 contacts")

	out.Reset()
	require.NoError(t, run(context.Background(), "csv", 7, &out, &diag))
	rows, err := csv.NewReader(&out).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 26)
	assert.Equal(t, "email", rows[0][1])
	assert.Contains(t, rows[1][1], "@example.com")

	assert.Error(t, run(context.Background(), "xml", 10, &out, &diag))
}
