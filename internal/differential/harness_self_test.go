package differential_test

import (
	"context"
	"net/http"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// These tests check the suite's own machinery, without a site.

func TestDifferentialDiffKeys(t *testing.T) {
	t.Parallel()
	a := result{{"x", "1"}, {"y", "2"}, {"only-a", "3"}}
	b := result{{"y", "2"}, {"x", "9"}, {"only-b", "4"}}
	assert.Equal(t, []string{"only-a", "only-b", "x"}, diffKeys(a, b))
	assert.Empty(t, diffKeys(a, a))
}

func TestDifferentialVerdict(t *testing.T) {
	t.Parallel()
	known := &knownDifference{scenario: "s", keys: []string{"b", "a"}, reason: "why"}
	tests := []struct {
		name string
		o    outcome
		want string // a regexp; "" means no complaint
	}{
		{"agree", outcome{name: "s"}, ""},
		{"agree but listed", outcome{name: "s", known: known}, "no longer differs.*why"},
		{"unlisted difference", outcome{name: "s", fake: result{{"a", "1"}}, real: result{{"a", "2"}}, differ: []string{"a"}}, "differ \\(fix the fake"},
		{"listed with other keys", outcome{name: "s", differ: []string{"a"}, known: known}, "other keys than knownDifferences lists \\(a, b\\)"},
		{"listed exactly", outcome{name: "s", differ: []string{"a", "b"}, known: known}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := verdict(tt.o, "6.4.4")
			if tt.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Regexp(t, regexp.MustCompile("(?s)"+tt.want), got)
		})
	}
}

func TestDifferentialLookupKnown(t *testing.T) {
	t.Parallel()
	for _, k := range knownDifferences {
		for _, v := range k.versions {
			assert.Same(t, lookupKnown(k.scenario, v), lookupKnown(k.scenario, v))
		}
		assert.NotEmpty(t, k.reason, "%s: every known difference says why", k.scenario)
		assert.NotEmpty(t, k.keys, "%s: every known difference lists its keys", k.scenario)
	}
	assert.Nil(t, lookupKnown("no/such/scenario", "6.4.4"))
}

func TestDifferentialScenarioList(t *testing.T) {
	t.Parallel()
	list := scenarios()
	assert.GreaterOrEqual(t, len(list), 80, "the issue asks for at least 80 scenarios")
	names := map[string]bool{}
	for _, sc := range list {
		assert.False(t, names[sc.name], "scenario %q twice", sc.name)
		names[sc.name] = true
	}
}

// TestDifferentialRecorder checks the normalisation: IDs by appearance per
// kind, the stamp in any case, times near the run as "now", zero values
// left out.
func TestDifferentialRecorder(t *testing.T) {
	t.Parallel()
	r := &run{stamp: "r20261201000000abcdef12", ids: map[string]map[int64]string{}, start: time.Now()}
	r.stampRE = regexp.MustCompile("(?i)" + regexp.QuoteMeta(r.stamp))
	r.value("c", &jetpackcrm.Customer{ID: 900, Email: "a.R20261201000000ABCDEF12@example.com", Created: time.Now(),
		LastUpdated: time.Date(1965, 1, 2, 3, 4, 5, 0, time.UTC), Tags: []jetpackcrm.Tag{{ID: 7, Name: "t"}}})
	r.value("d", &jetpackcrm.Customer{ID: 901})
	r.value("e", &jetpackcrm.Event{ID: 900, CustomerID: 901})
	want := result{
		{"c.ID", "contact#1"},
		{"c.Email", `"a.<S>@example.com"`},
		{"c.Created", "now"},
		{"c.LastUpdated", "1965-01-02T03:04:05Z"},
		{"c.Tags.len", "1"},
		{"c.Tags[0].ID", "tag#1"},
		{"c.Tags[0].Name", `"t"`},
		{"d.ID", "contact#2"},
		{"e.ID", "event#1"},
		{"e.CustomerID", "contact#2"},
	}
	assert.Equal(t, want, r.out)
	assert.Panics(t, func() { r.put("c.ID", "again") }, "a key is recorded once")
}

// TestDifferentialFindPaged checks the read-back over lists in both orders
// (6.4.4 oldest first, 6.6.1 newest first), with a bounded number of pages.
func TestDifferentialFindPaged(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"6.4.4", "6.6.1"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			var lists atomic.Int64
			srv := jetpackcrmtest.NewServer(jetpackcrmtest.WithCRMVersion(version))
			t.Cleanup(srv.Close)
			start := time.Date(2031, 1, 2, 3, 0, 0, 0, time.UTC)
			var ids []int64
			for i := range 1234 {
				e, err := srv.SeedEvent(jetpackcrmtest.Event{Title: "e", Start: start, End: start})
				require.NoError(t, err)
				if i%97 == 0 || i == 1233 {
					ids = append(ids, e.ID)
				}
			}
			c := srv.Client(jetpackcrm.WithHTTPClient(&http.Client{Transport: countingTransport{&lists}}))
			r := &run{ctx: context.Background(), c: c}
			for _, id := range ids {
				lists.Store(0)
				e, err := r.event(id)
				require.NoError(t, err)
				require.NotNil(t, e, "event %d", id)
				assert.Equal(t, id, e.ID)
				assert.LessOrEqual(t, lists.Load(), int64(6), "event %d took %d pages", id, lists.Load())
			}
			e, err := r.event(1 << 40)
			require.NoError(t, err)
			assert.Nil(t, e, "an ID that does not exist is not found")
		})
	}
}

type countingTransport struct{ n *atomic.Int64 }

func (c countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(req)
}
