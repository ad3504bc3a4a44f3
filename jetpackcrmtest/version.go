package jetpackcrmtest

import "github.com/jpcrm-go/jetpackcrm/internal/version"

// reportedVersion is the crm_version the status endpoint sends: the
// emulated release, except 6.4.4, whose class still says 6.4.3.
func (c *config) reportedVersion() string {
	if c.crmVersion == "6.4.4" {
		return "6.4.3"
	}
	return c.crmVersion
}

// atLeast reports whether the emulated release is v or later.
func (c *config) atLeast(v string) bool { return version.Compare(c.crmVersion, v) >= 0 }

// sortable reports whether the GET lists take "order" and list newest first
// (6.5.0 and later).
func (c *config) sortable() bool { return c.atLeast("6.5.0") }

// companiesFixed reports whether the companies endpoint passes its
// arguments right (6.6.0 and later).
func (c *config) companiesFixed() bool { return c.atLeast("6.6.0") }
