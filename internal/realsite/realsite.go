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
//	JCRM_SITES                                    the versions, space-separated
//	                                              (spells V back exactly)
//
// The sites are shared: tests create their own records with unique tokens
// (Stamp), find them by those tokens, and never reset or mass-edit a site.
//
// FaultProxy puts 429s, 503s and lost answers in front of a site; the
// package's TestRealSite* tests are the real-site reliability scenarios.
package realsite

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/internal/version"
)

// Site is one real Jetpack CRM site.
type Site struct {
	// Name is the plugin version the site was set up with ("6.6.1"), or
	// "JCRM_URL" for a site given only by the primary variables.
	Name string
	// Version is the plugin version ("6.4.4"), "" when only the primary
	// variables name the site (then ask its status endpoint; note that
	// 6.4.4 reports "6.4.3").
	Version   string
	URL       string
	APIKey    string
	APISecret string
	// Primary is the site named by JCRM_URL.
	Primary bool
}

// SkipReason is the one line a real-site test skips with.
const SkipReason = "no real Jetpack CRM site: JCRM_URL, JCRM_API_KEY and JCRM_API_SECRET are not all set (scripts/sites starts one)"

// Sites returns every site the environment names, the primary first, the
// others in version order, each once.
func Sites() []Site { return sitesFrom(os.Getenv, os.Environ()) }

// sitesFrom is Sites over an environment given as a lookup and a list.
func sitesFrom(getenv func(string) string, environ []string) []Site {
	// JCRM_SITES spells the versions; the variable names only carry them
	// with "_" for every character that is not a letter or digit.
	spelled := map[string]string{}
	for _, v := range strings.Fields(getenv("JCRM_SITES")) {
		spelled[envID(v)] = v
	}
	var sites []Site
	primary := Site{Name: "JCRM_URL", URL: trimURL(getenv("JCRM_URL")), APIKey: getenv("JCRM_API_KEY"),
		APISecret: getenv("JCRM_API_SECRET"), Primary: true}
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		id, ok := strings.CutPrefix(name, "JCRM_SITE_")
		if !ok {
			continue
		}
		id, ok = strings.CutSuffix(id, "_URL")
		if !ok || id == "" {
			continue
		}
		v := spelled[id]
		if v == "" {
			v = strings.ReplaceAll(id, "_", ".")
		}
		s := Site{Name: v, Version: v, URL: trimURL(getenv(name)),
			APIKey: getenv("JCRM_SITE_" + id + "_API_KEY"), APISecret: getenv("JCRM_SITE_" + id + "_API_SECRET")}
		if !s.complete() {
			continue
		}
		if s.URL == primary.URL {
			primary.Name, primary.Version = s.Name, s.Version
			continue
		}
		sites = append(sites, s)
	}
	slices.SortFunc(sites, func(a, b Site) int { return version.Compare(a.Version, b.Version) })
	if primary.complete() {
		sites = append([]Site{primary}, sites...)
	}
	return sites
}

// envID is how scripts/sites writes a version into a variable name.
func envID(v string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, v)
}

// trimURL drops the trailing slashes, so that "http://h/" and "http://h"
// name the same site.
func trimURL(u string) string { return strings.TrimRight(u, "/") }

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

// Client returns a Client for the site. The sites scripts/sites starts
// speak plain http on loopback; NewClient refuses plain http elsewhere, so a
// test site on a private network is opted in here too.
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

// The custom fields scripts/site-custom-fields defines on every site (a text
// field per object type), for the tests of custom-field checking.
const (
	ContactCustomField     = "sdk-text"
	CompanyCustomField     = "sdk-company-text"
	TransactionCustomField = "sdk-transaction-text"
)

// Leaks reports whether text holds the site's key or secret.
func (s Site) Leaks(text string) bool {
	return strings.Contains(text, s.APIKey) || strings.Contains(text, s.APISecret)
}

// Stamp returns a token unique to this call, made of lower-case letters and
// digits, for emails, order ids and names that no other run has used:
// "r" + UTC time to the second + 8 random hex digits.
func Stamp() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "r" + time.Now().UTC().Format("20060102150405") + hex.EncodeToString(b[:])
}
