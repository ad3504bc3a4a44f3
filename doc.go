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
c.Webhooks) has an exported interface (CustomersAPI, ...) that callers can
fake in their own tests; package jetpackcrmtest is an in-memory Jetpack CRM
server for tests that want the real HTTP path.

# Authentication

The API reads the key and secret only from the query string of every
request, so they are in every URL. The Client adds them at send time, in one
place, and keeps them out of everything it hands back: errors, logs,
responses, fmt output of any SDK value. NewClient refuses plain http to a
host other than loopback unless WithInsecureHTTP is given. Redirects to
another host are refused (ErrRedirectRefused), since they would carry the
credentials.

# Errors

The API answers many errors with HTTP 200. Every call returns one of:

  - *APIError for a non-2xx answer; errors.Is matches the sentinel of its
    status (ErrUnauthorized, ErrMethodNotAllowed, ErrInternal, ...) and
    ErrServer for any 5xx.
  - *APIError matching ErrRejected for a 200 whose body refused a write:
    {"error":100}, {"errors":1}, {"error":true,"message":...},
    {"error":400,"message":...}, or an empty body from a create endpoint.
  - *RateLimitError (429, or 503 with Retry-After) that retries did not get
    past; it also matches ErrRateLimited.
  - *ValidationError (errors.Is(err, ErrInvalidInput)) for input refused
    before anything was sent.
  - *DecodeError for a body that is not the JSON expected (an HTML page, an
    empty or oversized body).
  - *RequestError when no answer came (network, timeout, cancellation).
  - An error matching ErrNotFound for a lookup that found nothing
    (Customers.GetByEmail, Customers.Update, Events.Create of a missing ID),
    and one matching ErrNotKept for a write the site did not keep as sent.

A write can have happened although its call failed: when no answer came,
when a 5xx came (a proxy's 502, 503 or 504 after WordPress wrote, or a PHP
fatal error after the write) and when a 2xx came that cannot be read.
MayHaveBeenApplied(err) reports it (each of *RequestError, *APIError and
*DecodeError has the field); check the record before sending such a write
again. Events.Create without an ID, which has no key a retry could upsert
on, does that check itself: it looks for the event in the events list and
returns it, or sends it again; a *WriteCheckError says what it found when
it cannot decide.

# Retries and rate limits

429, and 503 with Retry-After, are retried for every call, honouring
Retry-After, and one such answer pauses every request of the Client until
the time it names. 500, 502, 503 without Retry-After, 504 and network errors
after sending are retried only for calls that cannot duplicate a write:
reads and upserts keyed by email or order id. See RetryPolicy.

After a server's first 429 or 503, the Client also spaces its requests out
at a rate it learns from the refusals (additive increase, multiplicative
decrease), shared by all its goroutines, so that a host that allows small
bursts is not hit again at once; WithoutAdaptiveRateLimit turns that off.
WithRateLimit adds a fixed client-side throttle, which is also the learned
rate's ceiling.

# Pagination

Pages are 1-based; Response.NextPage is 0 after the last page (the API
returns no totals: a short page is the last). Every list has an All method
returning an iter.Seq2 that walks all pages:

	for contact, err := range c.Customers.All(ctx, nil) {
		if err != nil {
			return err
		}
		fmt.Println(contact.Email)
	}

# Writes that do not lose data

The API's create_* endpoints are upserts that blank every field not sent
and reset an omitted status. Customers.Update reads the contact, merges the
changes and writes the whole record back. Events.Create always sends
"complete", which the server would otherwise store as done. The remaining
traps are written on each method.
*/
package jetpackcrm
