// Package realsite finds the real Jetpack CRM sites that tests may use, from
// the environment, and gives tests what every real-site test needs: a skip
// with a one-line reason when there is none, one subtest per site, a Client,
// and names unique to the run (a real site is never assumed empty).
//
// The variables (scripts/sites writes them; .ci/run exports them):
//
//	JCRM_URL, JCRM_API_KEY, JCRM_API_SECRET       the primary site
//	JCRM_SITE_<V>_URL, _API_KEY, _API_SECRET      one site per plugin version,
//	                                              V the version with "_" for dots
package realsite

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
)

// Site is one real Jetpack CRM site.
type Site struct {
	// Name is the plugin version the site was set up with ("6.6.1"), or
	// "JCRM_URL" for a site given only by the primary variables.
	Name      string
	URL       string
	APIKey    string
	APISecret string
	// Primary is the site named by JCRM_URL.
	Primary bool
}

// SkipReason is the one line a real-site test skips with.
const SkipReason = "no real Jetpack CRM site: JCRM_URL, JCRM_API_KEY and JCRM_API_SECRET are not all set (scripts/sites starts one)"

// Sites returns every site the environment names, the primary first, each
// once.
func Sites() []Site {
	var sites []Site
	primary := Site{Name: "JCRM_URL", URL: os.Getenv("JCRM_URL"), APIKey: os.Getenv("JCRM_API_KEY"),
		APISecret: os.Getenv("JCRM_API_SECRET"), Primary: true}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		v, ok := strings.CutPrefix(name, "JCRM_SITE_")
		if !ok {
			continue
		}
		v, ok = strings.CutSuffix(v, "_URL")
		if !ok {
			continue
		}
		s := Site{Name: strings.ReplaceAll(v, "_", "."), URL: os.Getenv(name),
			APIKey: os.Getenv("JCRM_SITE_" + v + "_API_KEY"), APISecret: os.Getenv("JCRM_SITE_" + v + "_API_SECRET")}
		if !s.complete() {
			continue
		}
		if s.URL == primary.URL {
			primary.Name = s.Name
			continue
		}
		sites = append(sites, s)
	}
	sort.Slice(sites, func(i, j int) bool { return sites[i].Name < sites[j].Name })
	if primary.complete() {
		sites = append([]Site{primary}, sites...)
	}
	return sites
}

func (s Site) complete() bool { return s.URL != "" && s.APIKey != "" && s.APISecret != "" }

// Require returns the sites, or skips t with SkipReason when there is none.
func Require(t testing.TB) []Site {
	t.Helper()
	sites := Sites()
	if len(sites) == 0 {
		t.Skip(SkipReason)
	}
	return sites
}

// Primary returns the primary site, or skips t.
func Primary(t testing.TB) Site {
	t.Helper()
	return Require(t)[0]
}

// Each runs fn in a subtest "site=<name>" for every site, or skips t.
func Each(t *testing.T, fn func(t *testing.T, s Site)) {
	t.Helper()
	for _, s := range Require(t) {
		t.Run("site="+s.Name, func(t *testing.T) { fn(t, s) })
	}
}

// Client returns a Client for the site. Plain http is accepted on loopback
// by NewClient; elsewhere (a test site on a private network) the test opts
// in.
func (s Site) Client(t testing.TB, opts ...jetpackcrm.Option) *jetpackcrm.Client {
	t.Helper()
	if strings.HasPrefix(s.URL, "http://") {
		opts = append([]jetpackcrm.Option{jetpackcrm.WithInsecureHTTP()}, opts...)
	}
	c, err := jetpackcrm.NewClient(s.URL, s.APIKey, s.APISecret, opts...)
	if err != nil {
		t.Fatalf("NewClient for site %s: %v", s.Name, err)
	}
	return c
}

// Leaks reports whether text holds the site's key or secret, literal,
// query- or path-escaped, in any letter case.
func (s Site) Leaks(text string) bool {
	low := strings.ToLower(text)
	for _, v := range []string{s.APIKey, s.APISecret} {
		for _, form := range []string{v, url.QueryEscape(v), url.PathEscape(v)} {
			if strings.Contains(low, strings.ToLower(form)) {
				return true
			}
		}
	}
	return false
}

// Stamp returns a token unique to this call, made of lower-case letters and
// digits, for emails, order ids and names that no other run has used:
// "r" + UTC time to the second + 6 random hex digits.
func Stamp() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return "r" + time.Now().UTC().Format("20060102150405") + hex.EncodeToString(b[:])
}
