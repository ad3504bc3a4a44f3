package jetpackcrm

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/jpcrm-go/jetpackcrm/internal/version"
)

// The releases that changed what the API offers, from the plugin's
// changelog; 6.4.4 and 6.6.1 were observed on real sites.
const (
	// releaseListOrder is "API: Allow sort order in endpoints".
	releaseListOrder = "6.5.0"
	// releaseCompanyFilters is "API: Fix companies endpoint param mapping".
	releaseCompanyFilters = "6.6.0"
)

// Features is what a site's Jetpack CRM release offers through the API,
// as the SDK reads it from the crm_version of the status endpoint. The SDK
// uses it to send what the release understands and to refuse, with a
// [*ValidationError] naming the release, what it would ignore or misread.
//
// Releases are compared by number. A crm_version that is not a release
// number ("", "dev") enables nothing. Jetpack CRM 6.4.4 reports "6.4.3".
type Features struct {
	// Version is the crm_version the site reports.
	Version string
	// ListOrder: the GET lists (events, transactions, quotes, invoices and
	// the contact search) take order=ASC|DESC and list newest first
	// without it, and read page and perpage below 1 as 1 (Jetpack CRM
	// 6.5.0 and later). Before, they ignore order: events and the contact
	// search list oldest first, quotes newest first, transactions and
	// invoices in no defined order.
	ListOrder bool
	// CompanyFilters: the companies endpoint honours its search, owner and
	// invoices/quotes/transactions filters, and lists companies newest
	// first, whatever the order asked (6.6.0 and later). Before, it passes
	// them to the wrong arguments and lists oldest first.
	CompanyFilters bool
}

// releaseNumber is what a crm_version must start with to be compared.
var releaseNumber = regexp.MustCompile(`^[0-9]+\.[0-9]+`)

// FeaturesOf returns the features of the Jetpack CRM release that reports
// crm_version v.
func FeaturesOf(v string) Features {
	f := Features{Version: v}
	if !releaseNumber.MatchString(v) {
		return f
	}
	f.ListOrder = version.Compare(v, releaseListOrder) >= 0
	f.CompanyFilters = version.Compare(v, releaseCompanyFilters) >= 0
	return f
}

// Enabled describes the features the release enables, one line each, for
// people (jpcrm status prints them); empty when it enables none. In Go,
// they are [ListOptions.Order] and [CompaniesService.ListFiltered].
func (f Features) Enabled() []string {
	var out []string
	if f.ListOrder {
		out = append(out, "order=ASC|DESC on the events, transactions, quotes, invoices and contact search lists")
	}
	if f.CompanyFilters {
		out = append(out, "companies filters: search, owner, with invoices, quotes and transactions")
	}
	return out
}

// maxVersionInError bounds the crm_version an error quotes: it is the
// server's text.
const maxVersionInError = 40

// release names the site's release in an error.
func (f Features) release() string {
	v := f.Version
	if v == "" {
		return "the site's Jetpack CRM (its status reports no crm_version)"
	}
	if len(v) > maxVersionInError {
		v = strings.ToValidUTF8(v[:maxVersionInError], "") + "..."
	}
	return fmt.Sprintf("Jetpack CRM %s (the site's crm_version)", v)
}

// refusal is the *ValidationError for what the site's release would not
// do. Its text quotes the server's crm_version, so it is redacted like
// any text the server sent.
func (c *Client) refusal(op, field, format string, args ...any) *ValidationError {
	return invalid(op, field, "%s", c.creds.redact(fmt.Sprintf(format, args...)))
}

// releaseEras are the feature sets that differ, oldest first: what the SDK
// considers before it knows the site's release, to decide without asking
// when every release would answer the same.
var releaseEras = []Features{{}, {ListOrder: true}, {ListOrder: true, CompanyFilters: true}}

// Features returns what the site's Jetpack CRM release offers. The first
// call that needs it reads the status endpoint (as does a successful
// Status or StatusFull call); the answer is kept for the Client's life. A
// failed read is not kept: the next call tries again. Concurrent callers
// share one read.
func (c *Client) Features(ctx context.Context) (Features, error) {
	if err := c.ready("Features"); err != nil {
		return Features{}, err
	}
	if ctx == nil {
		return Features{}, invalid("Features", "ctx", "nil context")
	}
	return c.release.get(ctx, func(ctx context.Context) error {
		_, _, err := c.status(ctx, "Features", nil)
		return err
	})
}

// releaseCache is a Client's knowledge of the site's release.
type releaseCache struct {
	mu       sync.Mutex
	known    bool
	features Features
	// reading is the status read in flight, nil when there is none.
	reading *releaseRead
}

// releaseRead is one status read that concurrent callers wait for.
type releaseRead struct {
	done chan struct{}
	err  error
	// abandoned: the read failed because its caller's context ended, which
	// says nothing to callers whose context is still live.
	abandoned bool
}

// learn records the release a status answer reported.
func (rc *releaseCache) learn(crmVersion string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.known, rc.features = true, FeaturesOf(crmVersion)
}

// get returns the known features, or runs read (which calls learn on
// success) once for every caller waiting at the same time.
func (rc *releaseCache) get(ctx context.Context, read func(context.Context) error) (Features, error) {
	for {
		rc.mu.Lock()
		if rc.known {
			f := rc.features
			rc.mu.Unlock()
			return f, nil
		}
		if r := rc.reading; r != nil {
			rc.mu.Unlock()
			select {
			case <-r.done:
			case <-ctx.Done():
				return Features{}, ctx.Err()
			}
			if r.err != nil && (!r.abandoned || ctx.Err() != nil) {
				return Features{}, r.err
			}
			continue // known now, or the reader gave up: read again
		}
		r := &releaseRead{done: make(chan struct{})}
		rc.reading = r
		rc.mu.Unlock()

		err := read(ctx)

		rc.mu.Lock()
		rc.reading = nil
		if err == nil && !rc.known {
			// A status answer always reaches learn; this only guards a
			// read that succeeded without one.
			err = errors.New("jetpackcrm: the status read reported no version")
		}
		r.err = err
		r.abandoned = err != nil && ctx.Err() != nil
		f := rc.features
		rc.mu.Unlock()
		close(r.done)
		if err != nil {
			return Features{}, err
		}
		return f, nil
	}
}

// SortOrder is the order of a list by record ID. The zero value asks for
// the list's default order, which each List method states.
type SortOrder string

const (
	// Ascending lists oldest records (lowest IDs) first.
	Ascending SortOrder = "ASC"
	// Descending lists newest records (highest IDs) first.
	Descending SortOrder = "DESC"
)

func (o SortOrder) valid() bool { return o == "" || o == Ascending || o == Descending }

// words names the order in a sentence.
func (o SortOrder) words() string {
	switch o {
	case Ascending:
		return "oldest first"
	case Descending:
		return "newest first"
	}
	return "in no defined order"
}

// idOrder is the iterator's view of a list's order.
func (o SortOrder) idOrder() idOrder {
	switch o {
	case Ascending:
		return ascendingIDs
	case Descending:
		return descendingIDs
	}
	return unorderedIDs
}

// listSort is how one list endpoint sorts on one release.
type listSort struct {
	// param: the endpoint reads order=ASC|DESC.
	param bool
	// fixed is, when it does not, the order it always lists in ("" for no
	// defined order).
	fixed SortOrder
}

// honours reports whether a list asked for in order o comes in order o.
func (ls listSort) honours(o SortOrder) bool { return ls.param || ls.fixed == o }

// orderParamOr is the sort of a list that takes the order parameter on
// releases with ListOrder, and sorts as before otherwise.
func orderParamOr(f Features, before listSort) listSort {
	if f.ListOrder {
		return listSort{param: true}
	}
	return before
}

// sortOf returns how endpoint sorts on a release with features f.
func sortOf(endpoint string, f Features) listSort {
	switch endpoint {
	case "customers":
		return listSort{fixed: Ascending} // a POST body without order, on every release
	case "companies":
		// 6.6 hard-codes ID DESC; before, the argument-order bug left ID ASC.
		if f.CompanyFilters {
			return listSort{fixed: Descending}
		}
		return listSort{fixed: Ascending}
	case "events", "customer_search":
		return orderParamOr(f, listSort{fixed: Ascending})
	case "quotes":
		return orderParamOr(f, listSort{fixed: Descending})
	case "transactions", "invoices":
		return orderParamOr(f, listSort{}) // before: no ORDER BY
	}
	panic("jetpackcrm: sortOf: no list " + endpoint)
}

// listNames are the endpoints' records, for messages.
var listNames = map[string]string{
	"customers": "contacts", "companies": "companies", "events": "events", "customer_search": "contacts found by the contact search",
	"quotes": "quotes", "transactions": "transactions", "invoices": "invoices",
}

// resolveOrder checks the order a caller asked of a list against the
// site's release and returns it when the list will come in that order. An
// order that every release honours, or none does, is decided without
// reading the release; otherwise the release is read once per Client.
func (c *Client) resolveOrder(ctx context.Context, op, endpoint string, want SortOrder) (SortOrder, error) {
	if want == "" {
		return "", nil
	}
	same := true
	first := sortOf(endpoint, releaseEras[0]).honours(want)
	for _, f := range releaseEras[1:] {
		same = same && sortOf(endpoint, f).honours(want) == first
	}
	if same {
		if first {
			return want, nil
		}
		return "", invalid(op, "Order", "no Jetpack CRM release lists %s %s: the endpoint ignores order and always lists them %s",
			listNames[endpoint], want.words(), sortOf(endpoint, releaseEras[0]).fixed.words())
	}
	f, err := c.Features(ctx)
	if err != nil {
		return "", fmt.Errorf("jetpackcrm: %s: reading the site's release for Order: %w", op, err)
	}
	ls := sortOf(endpoint, f)
	if ls.honours(want) {
		return want, nil
	}
	needs := ""
	if endpoint != "companies" {
		needs = fmt.Sprintf("; order=ASC|DESC needs Jetpack CRM %s or later", releaseListOrder)
	}
	return "", c.refusal(op, "Order", "%s ignores order on %s and lists them %s, not %s%s",
		f.release(), listNames[endpoint], ls.fixed.words(), want.words(), needs)
}
