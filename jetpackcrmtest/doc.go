// Package jetpackcrmtest is an in-memory fake of a Jetpack CRM site's JSON
// API (the /zbs_api/ endpoints of the WordPress plugin), built on
// net/http/httptest, for testing code that talks to Jetpack CRM, such as
// the jetpackcrm SDK itself.
//
// It reproduces what a live Jetpack CRM 6.4.4 site (WordPress 6.1, PHP 8.2,
// "Post name" permalinks) answered to 164 recorded requests, quirks
// included: its fidelity test replays all of them, in order, against a fresh
// fake and compares status, content type and body key by key.
//
// # Starting a server
//
//	srv := jetpackcrmtest.NewServer()
//	defer srv.Close()
//	client := srv.Client() // a ready *jetpackcrm.Client
//
// srv.URL, srv.APIKey and srv.APISecret give raw access; Handler mounts the
// fake on a server of your own; NewUnstartedServer and Start(addr) listen on
// a fixed address (see examples/fakecrm).
//
// # What it emulates
//
//   - Credentials are read from the query string only (api_key, api_secret)
//     and checked before anything else: a bad key gives 401 even for an
//     unknown endpoint or a wrong method.
//   - Routing: /zbs_api/<endpoint>/ and /?zbs_api=<endpoint>; endpoint
//     names are case-sensitive, extra path segments are ignored, an unknown
//     or empty endpoint gives 400. GET or HEAD without a trailing slash gets
//     WordPress's 301 to the slash form, query kept (WithTrailingSlashRedirect);
//     /index.php?zbs_api=... is redirected to /?zbs_api=....
//   - Methods: status, customer_search, transactions, events, quotes and
//     invoices are GET only, companies and webhook POST only (405 otherwise,
//     418 for BREW); create_customer, create_company, create_transaction,
//     create_event and customers accept any method. HEAD is answered 200 with
//     an empty text/html body without checking credentials.
//   - Creates echo the decoded request (original JSON types, key order) plus
//     an integer "id". Lists carry string IDs, string money and the exact key
//     sets, key order and value types of the recordings, including the
//     *_date companions (false when unset).
//   - The API's failure modes: {"error":true,"message":"Invalid JSON data"},
//     {"errors":1}, {"error":100}, {"error":400,"message":"Missing required
//     field: X"}, empty text/html 200 bodies, and 500 PHP fatals (JSON for a
//     JSON request, else WordPress's HTML page), each where the real site
//     produces it.
//   - Upserts keyed as the real site keys them (contacts by verified id then
//     email, companies by email then name, transactions by order ID) and
//     blanking every unsent field (WithFieldOverride keeps them), the default
//     "Lead" status, sticky statuses, owners set through "assign".
//   - Pagination: 1-based pages (0 is 1), the per-endpoint rules for
//     negative and non-numeric page and perpage, ID order (quotes newest first).
//   - The companies endpoint's argument-order bug, including the HTML notice
//     printed before the JSON for "quotes":"true".
//   - Webhook actions registered by the test (HandleWebhook, WithWebhook).
//
// Quotes and invoices cannot be created through the API: seed them with
// SeedQuote and SeedInvoice. SeedContacts(n) adds n deterministic contacts.
// Contacts, Events, Transactions and the other accessors return copies of
// the data for assertions.
//
// # Faults and limits
//
// InjectFaults and InjectSchedule make the server fail like production
// sites do: 429 with Retry-After, 500, 502, 503 maintenance pages, a
// connection reset before or after the write is applied, added latency, or
// a PHP notice printed before the JSON. Random faults are seeded, so a given
// request sequence always gets the same faults; FaultCounts counts them.
// WithRateLimit/SetRateLimit add a token-bucket limit answering 429.
// Requests returns a capped log of requests for assertions, from which the
// key and secret are always removed.
//
// WithClock injects the site clock (created/updated times, the rate
// limiter), so tests need not sleep.
//
// # Deliberate differences from a real site
//
// The fake is faithful where the recordings and the plugin source agree;
// elsewhere it simplifies, on purpose:
//
//   - Site settings are fixed to the recorded site's: timezone UTC, CRM date
//     format m/d/Y, WordPress date format "F j, Y", default status "Lead"
//     (WithDefaultStatus), admin user 1 (WithAdminUsers), English messages
//     (a real site translates status and message texts).
//   - HTTP framing: Go's server sends Content-Length and keeps connections
//     alive, where PHP sends neither Content-Length nor keep-alive; the
//     X-Powered-By, Link and Host response headers are not sent.
//     WithPHPBuiltinServer adds Connection: close and the built-in server's
//     501 page for unknown methods.
//   - BREW gets the plugin's 418 (the recorded PHP built-in server answered
//     501 before the plugin ran; see WithPHPBuiltinServer).
//   - Paths that are not API requests get a minimal front page (/) or 404
//     page, not a WordPress theme. An empty /?zbs_api= is a 400, like /zbs_api/.
//   - PHP notices and the WP_DEBUG_DISPLAY variants are not produced, except
//     through FaultHTMLNotice: a negative perpage on customers or companies
//     returns [] without the printed SQL error.
//   - from and to of create_event are parsed like strtotime only for the
//     formats the SDK and the recordings use ("m/d/Y H:i:s", "m/d/Y H:i",
//     "m/d/Y", "Y-m-d H:i:s", "Y-m-d H:i", "Y-m-d", RFC 3339, HTTP dates,
//     "@<unix>", now/today/tomorrow/yesterday); anything else is stored as 0.
//     PHP's overflowing dates ("13/45/2026") and relative formats ("+1
//     week") are not understood.
//   - FILTER_VALIDATE_EMAIL, sanitize_text_field, sanitize_title and PHP's
//     float formatting are close approximations (no quoted local parts or
//     IP-literal domains in emails).
//   - Contact search covers names, email, addresses, social handles, phones
//     (as stored and with spaces, dots, dashes and brackets removed) and the
//     linked company's name; email aliases and custom-field search are not
//     modelled.
//   - "fullname" is "<prefix> <fname> <lname>" as inferred from the
//     recordings (a first name alone gives "Linus ").
//   - Custom fields exist only for contacts, as plain text
//     (WithContactCustomFields); other unknown request keys are ignored.
//   - Transactions: status_bool is always 1 and type_accounting always
//     "debit"; date_paid and date_completed are not stored (as observed
//     live); an update without email or company keeps the existing links;
//     line items are never created through the API.
//   - create_company: any id > 0 dies with a 500 before any change; an
//     existing email (or, inferred from the source, an existing name) is
//     updated and then dies with a 500.
//   - Tags are kept per object type and matched by slug; a tag keeps the
//     spelling of its first use.
//   - Activity logs, external sources (external_api_name is accepted and
//     ignored), the Groove api_token back door, quote templates and portal
//     views are not modelled. status_label equals status.
//   - A request body over WithMaxBodyBytes (8 MiB) is read as empty, as PHP
//     drops a body over post_max_size.
//   - Faults and the rate limit do not exist in the plugin: they model the
//     host, proxy or WordPress maintenance mode in front of it. Fault503
//     sends the rule's Retry-After (1s by default) where WordPress's
//     maintenance mode sends 600; the 429 and 502 pages are nginx's.
//   - The request log keeps at most MaxLoggedBodyBytes of each body.
package jetpackcrmtest
