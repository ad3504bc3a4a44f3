/*
Package jetpackcrm is a client for the JSON API of Jetpack CRM (formerly
Zero BS CRM), the WordPress CRM plugin: contacts (customers), companies,
transactions, tasks (events), quotes and invoices.

# Usage

	c, err := jetpackcrm.NewClient("https://shop.example.com", apiKey, apiSecret)
	if err != nil {
		return err
	}
	contact, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{
		Email:     "ada@example.com",
		FirstName: "Ada",
		Status:    "Lead",
	})

The key and secret come from CRM > Settings > API on the site. Each service
(c.Customers, c.Companies, c.Transactions, c.Events, c.Quotes, c.Invoices,
c.Webhooks) has an exported interface ([CustomersAPI], ...) that callers can
fake in their own tests; package jetpackcrmtest is an in-memory Jetpack CRM
server for tests that want the real HTTP path.

# Authentication

The API reads the key and secret only from the query string of every
request, so they are in every URL. The [Client] adds them at send time, in
one place, and keeps them out of everything it hands back: errors, logs,
responses, fmt output of any SDK value. [NewClient] refuses plain http to a
host other than loopback unless [WithInsecureHTTP] is given. Redirects to
another host are refused ([ErrRedirectRefused]), since they would carry the
credentials.

# Errors

The API answers many errors with HTTP 200; the SDK sorts every failure
into one of the error types below, which errors.As finds, and most of them
match a sentinel, which errors.Is finds. Match on those, never on the
message: the server's words are translated into the site's language.

The error types:

  - [*APIError]: an answer that says the call failed, a non-2xx status
    (errors.Is matches the sentinel of the status below, and [ErrServer]
    for any 5xx) or a 200 whose body refused a write (Rejected; it
    matches [ErrRejected]).
  - [*RateLimitError]: a 429, or a 503 with Retry-After, that retries did
    not get past; it matches [ErrRateLimited] and unwraps to its
    [*APIError]. RetryAfter is the wait the server asked for.
  - [*ValidationError]: input the SDK refused before sending anything,
    including what the site's release cannot do; it matches
    [ErrInvalidInput]. Field names the field.
  - [*DecodeError]: a body that is not the JSON the call expected (an
    HTML page, an empty, truncated or oversized body); it unwraps to the
    cause.
  - [*RequestError]: no usable answer came (network, timeout, cancellation,
    a refused redirect); it unwraps to the cause, so
    errors.Is(err, context.Canceled) works.
  - [*NotFoundError]: a lookup found nothing ([CustomersService.GetByEmail]
    and [CustomersService.Update] of an email no contact has,
    [EventsService.Create] of a missing ID); it matches [ErrNotFound]. An
    HTTP 404 matches [ErrNotFound] too but is an [*APIError] (the API
    switched off): errors.As tells a miss from it.
  - [*NotKeptError]: [CustomersService.Update] wrote, and the read back
    shows the site did not keep what was sent: each field it dropped (the
    owner, the linked WordPress user) with the value sent and the one
    stored, or no record at all with the email written; it matches
    [ErrNotKept].
  - [*WriteCheckError]: [EventsService.Create] without an ID could not
    settle a failure that may have been applied (see below); it unwraps to
    the write's last failure.
  - [*PagingError]: an All or SearchAll iterator stopped on a page it
    cannot walk past; it unwraps to [ErrPagingStalled] or
    [ErrUnexpectedOrder], and names the method and the page.

The sentinels, matched with errors.Is:

  - [ErrBadRequest]: an [*APIError] with HTTP 400.
  - [ErrUnauthorized]: HTTP 401, the key or secret refused.
  - [ErrForbidden]: HTTP 403.
  - [ErrNotFound]: HTTP 404 (the API module off, or stale rewrite rules),
    and every [*NotFoundError].
  - [ErrMethodNotAllowed]: HTTP 405.
  - [ErrNotAcceptable]: HTTP 406.
  - [ErrGone]: HTTP 410.
  - [ErrTeapot]: HTTP 418.
  - [ErrRateLimited]: HTTP 429, and every [*RateLimitError].
  - [ErrInternal]: HTTP 500 (a PHP fatal error).
  - [ErrUnavailable]: HTTP 503.
  - [ErrServer]: any 5xx [*APIError].
  - [ErrRejected]: an [*APIError] for a 200 that refused a write:
    {"error":100}, {"errors":1}, {"error":true,"message":...},
    {"error":400,"message":...}, or an empty body from a create endpoint.
  - [ErrInvalidInput]: every [*ValidationError].
  - [ErrResponseTooLarge]: a [*DecodeError] of a body longer than
    [WithMaxResponseBytes] allows.
  - [ErrRedirectRefused]: a [*RequestError] of a redirect the [Client] will
    not follow.
  - [ErrNotKept]: every [*NotKeptError], from [CustomersService.Update]
    (or [CustomersService.Sync] merging); the contact returned is what the
    site holds.
  - [ErrAmbiguousEmail]: a lookup by an email with an apostrophe that can
    neither find the contact nor rule it out; not a miss, so do not create
    the contact.
  - [ErrContactNotListed]: a [CustomersService.Sync] request whose create
    matched a contact the read of the list did not show.
  - [ErrCustomFieldsUnknown]: [Client.CustomFieldSlugs] on a site with no
    record of the type yet.
  - [ErrPagingStalled]: the Err of a [*PagingError] for a full page with
    nothing new (a server that ignores paging).
  - [ErrUnexpectedOrder]: the Err of a [*PagingError] for a page out of the
    order the walk relies on.

A write can have happened although its call failed: when no answer came,
when a 5xx came (a proxy's 502, 503 or 504 after WordPress wrote, or a PHP
fatal error after the write) and when a 2xx came that cannot be read.
[MayHaveBeenApplied](err) reports it (each of [*RequestError], [*APIError]
and [*DecodeError] has the field); check the record before sending such a
write again. [EventsService.Create] without an ID, which has no key a retry
could upsert on, does that check itself: it looks for the event in the
events list and returns it, or sends it again; a [*WriteCheckError] says
what it found when it cannot decide.

# Retries and rate limits

429, and 503 with Retry-After, are retried for every call, honouring
Retry-After, and one such answer pauses every request of the [Client] until
the time it names. 500, 502, 503 without Retry-After, 504 and network errors
after sending are retried only for calls that cannot duplicate a write:
reads and upserts keyed by email or order id. See [RetryPolicy].

After a server's first 429 or 503, the Client also spaces its requests out
at a rate it learns from the refusals (additive increase, multiplicative
decrease), shared by all its goroutines, so that a host that allows small
bursts is not hit again at once; [WithoutAdaptiveRateLimit] turns that off.
[WithRateLimit] adds a fixed client-side throttle, which is also the learned
rate's ceiling.

# Pagination

Pages are 1-based; [Response.NextPage] is 0 after the last page (the API
returns no totals: a short page is the last). Every list has an All method
returning an iter.Seq2 that walks all pages:

	for contact, err := range c.Customers.All(ctx, nil) {
		if err != nil {
			return err
		}
		fmt.Println(contact.Email)
	}

An iterator yields each record once, although records added during the
walk shift the pages, and yields an error once, as its last value: the
error of a page it could not read, or a [*PagingError] when the pages
cannot be walked (a server that ignores the page parameter, a page out of
order).

[ListOptions.Order] asks for a list oldest ([Ascending]) or newest
([Descending]) first, where the site's release can list it so.

# Jetpack CRM releases

What the API offers changed between releases: from 6.5.0 the GET lists take
order=ASC|DESC and read page and perpage below 1 as 1; from 6.6.0 the
companies endpoint honours its filters ([CompaniesService.ListFiltered]) and
lists newest first. The [Client] reads the site's release once, from the
status endpoint, on the first call that needs it ([Client.Features]), and
refuses with a [*ValidationError] naming the release what the release would
ignore or misread. Jetpack CRM 6.4.4 reports crm_version "6.4.3".

# Writes that do not lose data

The API's create_* endpoints are upserts that blank every field not sent and
reset an omitted status. [CustomersService.Update] reads the contact, merges
the changes and writes the whole record back. [EventsService.Create] always
sends "complete", which the server would otherwise store as done. The
remaining traps are written on each method.

# Text as the CRM stores it

The CRM's tables cannot hold characters outside Unicode's Basic
Multilingual Plane (emoji): the SDK writes them as numeric character
references ("&#x1f600;") and reads them back as the characters. Other text
is refused with a [*ValidationError], before anything is sent, where the site
would store something else than what was sent, or nothing, while answering
success: longer than the field holds (counted as stored: an emoji takes 9 or
10 bytes, and in task titles "é" is "&eacute;"), HTML and "<", "%" with two
hexadecimal digits, backslashes, and "0" or -1 where the CRM drops them.
White space is folded and trimmed as the site does, and returned so. What
the CRM stores HTML-encoded (task titles and notes, avatars, quotes in tag
names) is decoded on read. The request types list each field's limits.

# Tracing and metrics

[WithTracerProvider] records a span per call ("jetpackcrm Customers.Create")
with a client span per HTTP request under it, following the OpenTelemetry
HTTP client conventions; [WithMeterProvider] records the
http.client.request.duration histogram and a retries counter. Nothing is
recorded or allocated without them, and nothing recorded holds the
credentials. Instrumentation that records URLs, such as otelhttp, goes in
[WithTransportWrapper], below the SDK and above the layer that adds the
credentials, not in the Transport given to [WithHTTPClient].
*/
package jetpackcrm
