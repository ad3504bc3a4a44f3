package jetpackcrmtest

import (
	"time"
)

// Option configures a [Server]. Options are applied in order by [NewServer]
// and [NewUnstartedServer].
type Option func(*config)

// config is the immutable configuration of a Server.
type config struct {
	key, secret         string
	clock               func() time.Time
	redirectSlash       bool
	fieldOverride       bool
	logLimit            int
	rateRPS             float64
	rateBurst           int
	webhooks            map[string]WebhookHandler
	crmVersion          string
	dbVersion           string
	modules             []string
	extensions          []extension
	admins              map[int64]bool
	defaultStatus       string
	contactCustomFields []string
	companyCustomFields []string
	txCustomFields      []string
	phpBuiltinServer    bool
	maxBodyBytes        int64
	seed                uint64
}

// extension is one entry of the status endpoint's "extensions" object.
type extension struct{ key, name, version string }

// DefaultRequestLogLimit is how many requests the log keeps by default.
const DefaultRequestLogLimit = 10000

// defaultModules are the core modules the recorded site reported (capture 04).
var defaultModules = []string{"api", "cal", "quotebuilder", "invbuilder", "pdfinv", "forms", "transactions", "b2bmode", "jetpackforms", "portal"}

func defaultConfig() config {
	return config{
		clock:         time.Now,
		redirectSlash: true,
		logLimit:      DefaultRequestLogLimit,
		webhooks:      map[string]WebhookHandler{},
		crmVersion:    DefaultCRMVersion,
		dbVersion:     "3.0",
		modules:       append([]string(nil), defaultModules...),
		admins:        map[int64]bool{1: true},
		defaultStatus: "Lead",
		maxBodyBytes:  8 << 20,
		seed:          1,
	}
}

// WithCredentials sets the API key and secret instead of random ones.
// Empty values keep the generated ones.
func WithCredentials(key, secret string) Option {
	return func(c *config) {
		if key != "" {
			c.key = key
		}
		if secret != "" {
			c.secret = secret
		}
	}
}

// WithClock sets the site clock used for created/updated times, event
// reminders, request-log times and the rate limiter. Default time.Now.
// All times are written in UTC, the site timezone of the recorded site.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.clock = now
		}
	}
}

// WithTrailingSlashRedirect turns WordPress's canonical redirect on or off:
// when on (the default, as with "Post name" permalinks), a GET or HEAD to
// /zbs_api/<endpoint> without a trailing slash gets a 301 to the slash form,
// query kept (credentials included, as on the real site).
func WithTrailingSlashRedirect(on bool) Option {
	return func(c *config) { c.redirectSlash = on }
}

// WithFieldOverride emulates the CRM setting "Field Options > Overwrite
// Option": when true, an upsert keeps the stored value of every field the
// request did not send (or sent blank). When false (the default, as on a
// stock site) an upsert blanks every unsent field.
func WithFieldOverride(on bool) Option {
	return func(c *config) { c.fieldOverride = on }
}

// WithRequestLogLimit caps the request log at the last n requests (default
// [DefaultRequestLogLimit]). n <= 0 disables the log.
func WithRequestLogLimit(n int) Option {
	return func(c *config) { c.logLimit = n }
}

// WithRateLimit makes the server answer 429 with Retry-After beyond rps
// requests per second, with bursts of up to burst requests (a token bucket
// driven by the server clock). rps <= 0 disables it. See
// [Server.SetRateLimit].
func WithRateLimit(rps float64, burst int) Option {
	return func(c *config) { c.rateRPS, c.rateBurst = rps, burst }
}

// WithWebhook registers a webhook action at construction time; see
// [Server.HandleWebhook].
func WithWebhook(action string, h WebhookHandler) Option {
	return func(c *config) {
		if action != "" && h != nil {
			c.webhooks[action] = h
		}
	}
}

// DefaultCRMVersion is the Jetpack CRM release the fake emulates by
// default: the one the recorded exchanges were made with.
const DefaultCRMVersion = "6.4.4"

// WithCRMVersion sets the Jetpack CRM release the fake emulates (default
// [DefaultCRMVersion]). The status endpoint reports it as crm_version,
// except that 6.4.4 reports "6.4.3", as that release does. Releases from
// 6.5.0 on behave like 6.6.1, the one observed:
//
//   - events, transactions, quotes, invoices and customer_search list newest
//     first and take order=ASC (or DESC) in the query string; page and
//     perpage below 1 mean 1 (6.4.x: perpage 0 is an empty page, a
//     negative one 10);
//   - from 6.6.0, companies honours its body's search, owned, invoices,
//     quotes and transactions and lists newest first (6.4.x passes them to
//     the wrong arguments), and every contact carries one more key,
//     "owner_zbs-name-clash-tmp-fix", a copy of "owner".
//
// Which of these arrived in 6.5.0 and which in 6.6.0 is read from the
// changelog ("API: Allow sort order in endpoints" in 6.5.0, "API: Fix
// companies endpoint param mapping" in 6.6.0); only 6.4.4 and 6.6.1 were
// observed.
func WithCRMVersion(v string) Option {
	return func(c *config) {
		if v != "" {
			c.crmVersion = v
		}
	}
}

// WithModules sets the core modules listed by status with full=1.
func WithModules(modules ...string) Option {
	return func(c *config) { c.modules = append([]string(nil), modules...) }
}

// WithExtension adds an extension listed by status with full=1.
func WithExtension(key, name, version string) Option {
	return func(c *config) { c.extensions = append(c.extensions, extension{key, name, version}) }
}

// WithAdminUsers sets the WordPress user IDs that hold the CRM admin role
// (default: user 1). Only these can be set as owners through "assign"
// (create_customer, create_company) or "owner" (create_event).
func WithAdminUsers(ids ...int64) Option {
	return func(c *config) {
		c.admins = map[int64]bool{}
		for _, id := range ids {
			c.admins[id] = true
		}
	}
}

// WithDefaultStatus sets the CRM's default contact and company status
// (default "Lead"), given to records created or updated without a status.
func WithDefaultStatus(status string) Option {
	return func(c *config) {
		if status != "" {
			c.defaultStatus = status
		}
	}
}

// WithContactCustomFields defines contact custom fields. Their slugs are
// accepted by create_customer and written as extra top-level keys (after
// "name") of every contact object, "" when unset.
func WithContactCustomFields(slugs ...string) Option {
	return func(c *config) { c.contactCustomFields = append(c.contactCustomFields, slugs...) }
}

// WithCompanyCustomFields defines company custom fields: accepted by
// create_company, written after "lastcontacted_date" of every company
// object, "" when unset.
func WithCompanyCustomFields(slugs ...string) Option {
	return func(c *config) { c.companyCustomFields = append(c.companyCustomFields, slugs...) }
}

// WithTransactionCustomFields defines transaction custom fields: accepted
// by create_transaction, written before "lineitems" of every transaction
// object, "" when unset.
func WithTransactionCustomFields(slugs ...string) Option {
	return func(c *config) { c.txCustomFields = append(c.txCustomFields, slugs...) }
}

// WithPHPBuiltinServer emulates the PHP built-in web server the recordings
// were made with: it answers unknown methods (e.g. BREW) with its own 501
// HTML page before WordPress runs, and closes every connection. Without it,
// the plugin's own 418 "I'm a teapot" is emulated for BREW.
func WithPHPBuiltinServer(on bool) Option {
	return func(c *config) { c.phpBuiltinServer = on }
}

// WithMaxBodyBytes sets the largest request body read (default 8 MiB, PHP's
// post_max_size). A larger body is discarded and the request sees an empty
// body, as PHP does.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBodyBytes = n
		}
	}
}

// WithSeed seeds the generator of portal hashes for seeded quotes and
// invoices (default 1), so runs are reproducible.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seed = seed }
}
