package realsite

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(kv ...string) (func(string) string, []string) {
	m := map[string]string{}
	for _, s := range kv {
		k, v, _ := strings.Cut(s, "=")
		m[k] = v
	}
	return func(k string) string { return m[k] }, kv
}

func TestSitesFrom(t *testing.T) {
	t.Parallel()
	site := func(v, port string) []string {
		id := envID(v)
		return []string{"JCRM_SITE_" + id + "_URL=http://127.0.0.1:" + port, "JCRM_SITE_" + id + "_API_KEY=k" + port, "JCRM_SITE_" + id + "_API_SECRET=s" + port}
	}
	primary := []string{"JCRM_URL=http://127.0.0.1:8080/", "JCRM_API_KEY=k8080", "JCRM_API_SECRET=s8080"}
	all := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		name string
		env  []string
		want []Site
	}{
		{"none", nil, nil},
		{"primary only", primary, []Site{{Name: "JCRM_URL", URL: "http://127.0.0.1:8080", APIKey: "k8080", APISecret: "s8080", Primary: true}}},
		{"incomplete site skipped", all(primary, []string{"JCRM_SITE_6_6_1_URL=http://127.0.0.1:8081"}),
			[]Site{{Name: "JCRM_URL", URL: "http://127.0.0.1:8080", APIKey: "k8080", APISecret: "s8080", Primary: true}}},
		{"primary named by its version, others in version order",
			all(site("6.10.0", "8083"), site("6.6.1", "8081"), site("6.4.4", "8080"), primary, []string{"JCRM_SITES=6.4.4 6.6.1 6.10.0"}),
			[]Site{
				{Name: "6.4.4", Version: "6.4.4", URL: "http://127.0.0.1:8080", APIKey: "k8080", APISecret: "s8080", Primary: true},
				{Name: "6.6.1", Version: "6.6.1", URL: "http://127.0.0.1:8081", APIKey: "k8081", APISecret: "s8081"},
				{Name: "6.10.0", Version: "6.10.0", URL: "http://127.0.0.1:8083", APIKey: "k8083", APISecret: "s8083"},
			}},
		{"JCRM_SITES spells a version back", all(site("6.7.0-beta1", "8082"), []string{"JCRM_SITES=6.7.0-beta1"}),
			[]Site{{Name: "6.7.0-beta1", Version: "6.7.0-beta1", URL: "http://127.0.0.1:8082", APIKey: "k8082", APISecret: "s8082"}}},
		{"without JCRM_SITES underscores become dots", site("6.6.1", "8081"),
			[]Site{{Name: "6.6.1", Version: "6.6.1", URL: "http://127.0.0.1:8081", APIKey: "k8081", APISecret: "s8081"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			getenv, environ := env(tt.env...)
			assert.Equal(t, tt.want, sitesFrom(getenv, environ))
		})
	}
}

func TestStampIsUniqueLowerAlnum(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		s := Stamp()
		require.Regexp(t, regexp.MustCompile(`^r[0-9]{14}[0-9a-f]{8}$`), s)
		require.False(t, seen[s], "stamp %s twice", s)
		seen[s] = true
	}
}
