package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's first command must work on a fresh clone: the tour runs
// against the in-process fake and prints every step.
func TestTourAgainstTheFake(t *testing.T) {
	t.Setenv("JCRM_URL", "")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	text := out.String()
	for _, want := range []string{
		"using the in-memory fake",
		"1. Created contact",
		"2. Updated city and status without blanking: Ada Lovelace, Marylebone, Customer, mobile 07700 900123",
		"3. Read back by email",
		"6. Iterated over all contacts: 6",
		"complete=false",
		"9. An unknown webhook action is refused: HTTP 400 Invalid webhook request",
		"Done.",
	} {
		assert.Contains(t, text, want)
	}
}
