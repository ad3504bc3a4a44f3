package recorded

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// documentedFiles are the nine JSON response examples of the official docs,
// with whether each is an array (only events) rather than an object.
var documentedFiles = []struct {
	name  string
	array bool
}{
	{"create_customer.json", false},
	{"customers.json", false},
	{"customer_search.json", false},
	{"quotes.json", false},
	{"invoices.json", false},
	{"create_transaction.json", false},
	{"transactions.json", false},
	{"create_event.json", false},
	{"events.json", true},
}

func TestDocumentedDirHoldsExactlyTheNineExamples(t *testing.T) {
	t.Parallel()
	got, err := filepath.Glob(filepath.Join(DocumentedDir(), "*.json"))
	require.NoError(t, err)
	for i := range got {
		got[i] = filepath.Base(got[i])
	}
	want := make([]string, 0, len(documentedFiles))
	for _, f := range documentedFiles {
		want = append(want, f.name)
	}
	sort.Strings(got)
	sort.Strings(want)
	assert.Equal(t, want, got)
}

func TestDocumentedExamplesAreValidJSON(t *testing.T) {
	t.Parallel()
	for _, f := range documentedFiles {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(DocumentedDir(), f.name))
			require.NoError(t, err)
			require.True(t, json.Valid(data), "%s is not valid JSON", f.name)
			var v any
			require.NoError(t, json.Unmarshal(data, &v))
			if f.array {
				assert.IsType(t, []any{}, v)
			} else {
				assert.IsType(t, map[string]any{}, v)
			}
		})
	}
}

// TestDocumentedValuesKeptAsPublished guards against "fixing" values: only
// punctuation was changed when the examples were copied.
func TestDocumentedValuesKeptAsPublished(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file, key string
		want      any
	}{
		{"create_transaction.json", "orderid", "John"},
		{"create_transaction.json", "email", "Doe"},
		{"create_transaction.json", "tax", "0.00"},
		{"create_customer.json", "ID", float64(135)},
		{"customers.json", "filterTot", float64(83)},
		{"quotes.json", "customerid", "19967"},
		{"transactions.json", "customerid", "20284"},
		{"create_event.json", "customer", float64(44149)},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.key, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(DocumentedDir(), tt.file))
			require.NoError(t, err)
			var m map[string]any
			require.NoError(t, json.Unmarshal(data, &m))
			assert.Equal(t, tt.want, m[tt.key])
		})
	}
}
