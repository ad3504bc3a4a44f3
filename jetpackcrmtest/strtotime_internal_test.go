package jetpackcrmtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestStrtotime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 3, 4, 17, 0, time.UTC)
	tests := map[string]int64{
		"11/29/2026 03:00:00":           1795921200,
		"12/01/2026 09:00:00":           1796115600,
		"12/1/2026 9:00":                1796115600,
		"12/01/2026":                    1796083200,
		"12/01/26":                      1796083200,
		"2026-12-01 09:00:00":           1796115600,
		"2026-12-01 09:00":              1796115600,
		"2026-12-01":                    1796083200,
		"2025-03-01T10:00:00Z":          1740823200,
		"2025-03-01T11:00:00+01:00":     1740823200,
		"2025-03-01T10:00:00":           1740823200,
		"Sat, 01 Mar 2025 10:00:00 GMT": 1740823200,
		"@1740823200":                   1740823200,
		"  2026-12-01 09:00  ":          1796115600,
		"now":                           1795835057,
		"today":                         1795824000,
		"tomorrow":                      1795910400,
		"yesterday":                     1795737600,
		"whenever":                      0,
		"13/45/2026":                    0,
		"":                              0,
		"@x":                            0,
	}
	for in, want := range tests {
		assert.Equal(t, want, strtotime(in, now), "strtotime(%q)", in)
	}
}

func TestTokenBucket(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	b := newTokenBucket(4, 2, t0)
	ok, _ := b.take(t0)
	assert.True(t, ok)
	ok, _ = b.take(t0)
	assert.True(t, ok)
	ok, wait := b.take(t0)
	assert.False(t, ok)
	assert.Equal(t, 250*time.Millisecond, wait)
	ok, _ = b.take(t0.Add(-time.Hour))
	assert.False(t, ok, "a clock going backwards refills nothing")
	ok, _ = b.take(t0.Add(250 * time.Millisecond))
	assert.True(t, ok)
	assert.Equal(t, 1.0, newTokenBucket(1, 0, t0).burst, "burst is at least 1")
}

func TestPaginate(t *testing.T) {
	t.Parallel()
	items := []int{1, 2, 3, 4, 5}
	assert.Equal(t, []int{1, 2}, paginate(items, 0, 2))
	assert.Equal(t, []int{1, 2}, paginate(items, 1, 2))
	assert.Equal(t, []int{5}, paginate(items, 3, 2))
	assert.Empty(t, paginate(items, 4, 2))
	assert.Empty(t, paginate(items, 1, 0))
	assert.Equal(t, items, paginate(items, 1, 1<<62))
	assert.Empty(t, paginate(items, 1<<62, 1<<62), "no overflow")
}
