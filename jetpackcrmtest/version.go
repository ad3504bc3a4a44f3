package jetpackcrmtest

import (
	"strconv"
	"strings"
)

// reportedVersion is the crm_version the status endpoint sends: the
// emulated release, except 6.4.4, whose class still says 6.4.3.
func (c *config) reportedVersion() string {
	if c.crmVersion == "6.4.4" {
		return "6.4.3"
	}
	return c.crmVersion
}

// atLeast reports whether the emulated release is v or later.
func (c *config) atLeast(v string) bool { return compareVersions(c.crmVersion, v) >= 0 }

// sortable reports whether the GET lists take "order" and list newest first
// (6.5.0 and later).
func (c *config) sortable() bool { return c.atLeast("6.5.0") }

// companiesFixed reports whether the companies endpoint passes its
// arguments right (6.6.0 and later).
func (c *config) companiesFixed() bool { return c.atLeast("6.6.0") }

// compareVersions orders dotted versions numerically; a missing part is 0
// and a part that is not a number compares as text.
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		nx, ex := strconv.Atoi(x)
		ny, ey := strconv.Atoi(y)
		if ex != nil || ey != nil {
			if c := strings.Compare(x, y); c != 0 {
				return c
			}
			continue
		}
		if nx != ny {
			if nx < ny {
				return -1
			}
			return 1
		}
	}
	return 0
}
