// Package jetpackcrmtest is an in-memory fake of a Jetpack CRM site's JSON
// API (the /zbs_api/ endpoints of the WordPress plugin), built on
// net/http/httptest, for testing code that talks to Jetpack CRM, such as
// the jetpackcrm SDK itself.
//
// It reproduces what a live Jetpack CRM 6.4.4 site (WordPress 6.1, PHP 8.2,
// MariaDB 10.11, "Post name" permalinks) answered to 164 recorded requests,
// quirks included: its fidelity test replays all of them, in order, against
// a fresh fake and compares status, content type and body key by key. The
// differential suite (internal/differential in the SDK's repository) runs
// over 200 scenarios through the SDK against the fake and against real 6.4.4
// and 6.6.1 sites and compares what each answered and stored;
// [WithCRMVersion]("6.6.1") emulates the later release.
//
// # Starting a server
//
//	srv := jetpackcrmtest.NewServer()
//	defer srv.Close()
//	client := srv.Client() // a ready *jetpackcrm.Client
//
// srv.URL, srv.APIKey and srv.APISecret give raw access; Handler mounts the
// fake on a server of your own; [NewUnstartedServer] and Start(addr) listen
// on a fixed address (see examples/fakecrm).
//
// # What it emulates
//
//   - Credentials are read from the query string only (api_key, api_secret)
//     and checked before anything else: a bad key gives 401 even for an
//     unknown endpoint or a wrong method.
//   - Routing: /zbs_api/<endpoint>/ and /?zbs_api=<endpoint>; endpoint names are
//     case-sensitive, extra path segments are ignored, an unknown or empty
//     endpoint gives 400. GET or HEAD without a trailing slash gets WordPress's
//     301 to the slash form, query kept ([WithTrailingSlashRedirect]);
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
//     blanking every unsent field ([WithFieldOverride] keeps them), the
//     default "Lead" status, sticky statuses, owners set through "assign".
//   - Pagination: 1-based pages (0 is 1), the per-endpoint rules for
//     negative and non-numeric page and perpage, ID order (quotes newest first).
//   - The companies endpoint's argument-order bug, including the HTML notice
//     printed before the JSON for "quotes":"true".
//   - Webhook actions registered by the test (HandleWebhook, [WithWebhook]);
//     a handler gets false for absent or empty data, as PHP's empty() makes it.
//
// What WordPress, PHP and MariaDB do around the plugin, as found on real
// sites:
//
//   - Query variables are slashed (addslashes) and the plugin does not
//     unslash them: customer_search?email=o'neil@example.com finds nothing,
//     and zbs_query "O'Neil" becomes the LIKE pattern O\'Neil (which still
//     matches O'Neil; a backslash in the query must be doubled to match).
//     JSON bodies are not slashed.
//   - Searches are "LIKE '%phrase%'" under utf8mb3_general_ci: case- and
//     accent-insensitive ("zoe" finds "Zoë", ß weighs as S), % and _ are
//     wildcards, a backslash escapes. Emails, tag names and order IDs are
//     compared under the same collation ("ORD-1" is "ord-1").
//   - The tables are utf8mb3: a character outside the BMP (emoji) in any
//     text column makes create_customer, create_company, create_transaction
//     and create_event answer {"error":100} and store nothing (a failed
//     update changes nothing); a tag with one is silently not attached; a
//     transaction whose new contact's name has one is made without the
//     contact.
//   - The CRM's max_len rules: a value longer than a field's limit is cut
//     to limit-3 bytes plus "..." (first name 100, prefix 30, task title
//     255, order ID 120, currency 4, ...); a cut inside a multi-byte
//     character makes the write fail with {"error":100}.
//   - Text as stored and listed: most fields are listed through
//     stripslashes() ("Back\slash" is listed "Backslash", "a\\b" "a\b"),
//     task titles and descriptions are stored through htmlentities() ("O'Neil"
//     is "O&#039;Neil", "Zoë" "Zo&euml;"), contact avatars through it twice;
//     tag names get &#34; and &#39; for quotes and lose "<", and their slug is
//     sanitize_key(name), made unique with -1, -2...
//   - Money goes through a PHP float and back to a string with 14
//     significant digits, then to DECIMAL(18,2): 12.345 is stored 12.35,
//     123456789012345.005 as 123456789012340.00, 1e17 as
//     9999999999999999.99; every run of characters other than digits and "."
//     becomes "-" first ("+5" is -5, "12,50" is 12, "1e3" is 1).
//   - Dates are signed 32-bit INT columns: after 2038-01-19 03:14:07 UTC
//     they are stored as that second.
//   - create_event with an id that names no task answers success with that
//     id and stores nothing (an UPDATE of no row); a non-numeric id is 0 (a
//     new task), a non-numeric customer 0.
//   - A transaction's status_bool is 1 only for the statuses of the CRM's
//     default "include in totals" setting (Succeeded, Completed, Failed,
//     Refunded, Processing, Pending, Hold, Draft; case-sensitive);
//     type_accounting is "credit" for the types Refund and Credit Note.
//   - Custom fields of contacts, companies and transactions
//     ([WithContactCustomFields], [WithCompanyCustomFields],
//     [WithTransactionCustomFields]), as extra keys of every record.
//   - [WithCRMVersion]("6.6.1"): newest-first GET lists with order=ASC|DESC,
//     page and perpage below 1 read as 1, working companies filters, and the
//     extra "owner_zbs-name-clash-tmp-fix" key of listed contacts.
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
// connection reset before or after the write is applied, a 502 or a body
// cut in half after the write is applied, added latency, or a PHP notice
// printed before the JSON. Random faults are seeded, so a given
// request sequence always gets the same faults; FaultCounts counts them.
// WithRateLimit/SetRateLimit add a token-bucket limit answering 429.
// Requests returns a capped log of requests for assertions, from which the
// key and secret are always removed.
//
// [WithClock] injects the site clock (created/updated times, the rate
// limiter), so tests need not sleep.
//
// # Deliberate differences from a real site
//
// The fake is faithful where the recordings, the real sites and the plugin
// source agree; elsewhere it simplifies, on purpose:
//
//   - Site settings are fixed to the test sites': timezone UTC, CRM date
//     format m/d/Y, WordPress date format "F j, Y", default status "Lead"
//     ([WithDefaultStatus]), admin user 1 ([WithAdminUsers]), English
//     messages (a real site translates status and message texts), B2B mode
//     on, custom-field search off, the default "include in totals" statuses.
//   - HTTP framing: Go's server sends Content-Length and keeps connections
//     alive, where PHP sends neither Content-Length nor keep-alive; the
//     X-Powered-By, Link and Host response headers are not sent.
//     [WithPHPBuiltinServer] adds Connection: close and the built-in
//     server's 501 page for unknown methods.
//   - BREW gets the plugin's 418 (the recorded PHP built-in server answered
//     501 before the plugin ran; see WithPHPBuiltinServer).
//   - Paths that are not API requests get a minimal front page (/) or 404
//     page, not a WordPress theme. An empty /?zbs_api= is a 400, like /zbs_api/.
//   - PHP notices and the WP_DEBUG_DISPLAY variants are not produced, except
//     through [FaultHTMLNotice]: a negative perpage on customers or
//     companies returns [] without the printed SQL error.
//   - from and to of create_event are parsed like strtotime only for the
//     formats the SDK and the recordings use ("m/d/Y H:i:s", "m/d/Y H:i",
//     "m/d/Y", "Y-m-d H:i:s", "Y-m-d H:i", "Y-m-d", RFC 3339, HTTP dates,
//     "@<unix>", now/today/tomorrow/yesterday); anything else is stored as 0.
//     PHP's overflowing dates ("13/45/2026") and relative formats ("+1
//     week") are not understood.
//   - FILTER_VALIDATE_EMAIL, sanitize_text_field, strip_tags, sanitize_title
//     and PHP's float formatting are close approximations (no quoted local
//     parts or IP-literal domains in emails). The collation table covers the
//     BMP as MariaDB 10.11 weighs it; MariaDB's behaviour with a 4-byte
//     character in a search phrase (an error, so nothing found) is modelled
//     as "nothing matches".
//   - Contact search covers names, email, addresses, social handles, phones
//     and the linked company's name; email aliases and custom-field search
//     (off by default) are not modelled.
//   - "fullname" is "<prefix> <fname> <lname>" as inferred from the
//     recordings (a first name alone gives "Linus ").
//   - Custom fields are plain text (no select options, dates or checkbox
//     formats). A contact custom-field value the utf8mb3 table cannot hold
//     keeps the field's old value and the contact is saved, as observed;
//     companies and transactions are assumed to do the same. Other unknown
//     request keys are ignored.
//   - Transactions: date_paid and date_completed are not stored (as observed
//     live); an update without email or company keeps the existing links;
//     line items are never created through the API.
//   - create_company: any id > 0 dies with a 500 before any change; an
//     existing email (or, inferred from the source, an existing name) is
//     updated and then dies with a 500.
//   - Tags are kept per object type. A request whose tags all fail (emoji)
//     leaves the record with no tags.
//   - Which 6.6.1 behaviour arrived in 6.5.0 and which in 6.6.0 is read from
//     the changelog (see [WithCRMVersion]); releases before 6.4 are not
//     modelled.
//   - Activity logs, external sources (external_api_name is accepted and
//     ignored), the Groove api_token back door, quote templates and portal
//     views are not modelled. status_label equals status.
//   - A request body over [WithMaxBodyBytes] (8 MiB) is read as empty, as
//     PHP drops a body over post_max_size.
//   - [Faults] and the rate limit do not exist in the plugin: they model the
//     host, proxy or WordPress maintenance mode in front of it. [Fault503]
//     sends the rule's Retry-After (1s by default) where WordPress's
//     maintenance mode sends 600; the 429 and 502 pages are nginx's.
//   - The request log keeps at most [MaxLoggedBodyBytes] of each body.
package jetpackcrmtest
