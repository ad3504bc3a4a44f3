package jetpackcrmtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Endpoint names the plugin hard-codes (includes/ZeroBSCRM.API.php).
const (
	EndpointStatus            = "status"
	EndpointWebhook           = "webhook"
	EndpointCreateCustomer    = "create_customer"
	EndpointCreateTransaction = "create_transaction"
	EndpointCreateEvent       = "create_event"
	EndpointCreateCompany     = "create_company"
	EndpointCustomerSearch    = "customer_search"
	EndpointCustomers         = "customers"
	EndpointInvoices          = "invoices"
	EndpointQuotes            = "quotes"
	EndpointEvents            = "events"
	EndpointCompanies         = "companies"
	EndpointTransactions      = "transactions"
)

// requiredMethod is the method an endpoint checks; "" means any method.
var requiredMethod = map[string]string{
	EndpointStatus:            http.MethodGet,
	EndpointCustomerSearch:    http.MethodGet,
	EndpointTransactions:      http.MethodGet,
	EndpointEvents:            http.MethodGet,
	EndpointQuotes:            http.MethodGet,
	EndpointInvoices:          http.MethodGet,
	EndpointCompanies:         http.MethodPost,
	EndpointWebhook:           http.MethodPost,
	EndpointCreateCustomer:    "",
	EndpointCreateCompany:     "",
	EndpointCreateTransaction: "",
	EndpointCreateEvent:       "",
	EndpointCustomers:         "",
}

// phpServerMethods are the methods PHP's built-in web server parses; it
// answers any other with 501.
var phpServerMethods = map[string]bool{
	"GET": true, "HEAD": true, "POST": true, "PUT": true, "DELETE": true, "CONNECT": true,
	"OPTIONS": true, "TRACE": true, "PATCH": true, "COPY": true, "LOCK": true, "MKCOL": true,
	"MOVE": true, "PROPFIND": true, "PROPPATCH": true, "SEARCH": true, "UNLOCK": true,
	"BIND": true, "REBIND": true, "UNBIND": true, "ACL": true, "REPORT": true,
	"MKACTIVITY": true, "CHECKOUT": true, "MERGE": true, "M-SEARCH": true, "NOTIFY": true,
	"SUBSCRIBE": true, "UNSUBSCRIBE": true, "PURGE": true, "MKCALENDAR": true, "LINK": true,
	"UNLINK": true,
}

// route is where a request is going, as WordPress resolves it.
type route struct {
	// api is true for /zbs_api/... and /?zbs_api=...
	api bool
	// endpoint is the first segment of the zbs_api query var.
	endpoint string
	// redirect, when non-empty, is the path+query of a canonical 301.
	redirect string
	// notFound is true for paths WordPress would answer with its 404 page.
	notFound bool
}

// resolveRoute emulates the rewrite rule ^zbs_api(/(.*))?/?$, the public
// query var zbs_api and redirect_canonical.
func (s *Server) resolveRoute(r *http.Request) route {
	p := r.URL.Path
	canRedirect := s.cfg.redirectSlash && (r.Method == http.MethodGet || r.Method == http.MethodHead)
	withQuery := func(path string) string {
		if r.URL.RawQuery != "" {
			return path + "?" + r.URL.RawQuery
		}
		return path
	}
	switch {
	case p == "/zbs_api" || strings.HasPrefix(p, "/zbs_api/"):
		if canRedirect && !strings.HasSuffix(p, "/") {
			return route{redirect: withQuery(p + "/")}
		}
		value := strings.TrimPrefix(strings.TrimPrefix(p, "/zbs_api"), "/")
		return route{api: true, endpoint: firstSegment(value)}
	case p == "/index.php" && canRedirect:
		return route{redirect: withQuery("/")}
	case p == "/" || p == "" || p == "/index.php":
		if v, ok := lastQueryValue(r.URL.Query(), "zbs_api"); ok {
			return route{api: true, endpoint: firstSegment(v)}
		}
		return route{}
	default:
		return route{notFound: true}
	}
}

func firstSegment(v string) string {
	seg, _, _ := strings.Cut(v, "/")
	return seg
}

// lastQueryValue returns the last value of a query parameter, as PHP's $_GET does.
func lastQueryValue(q url.Values, key string) (string, bool) {
	vs, ok := q[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

// apiRequest is an authenticated API request on its way to an endpoint.
type apiRequest struct {
	method   string
	endpoint string
	query    url.Values
	header   http.Header
	body     []byte
	// sortable is set on sites from 6.5.0 (see config.sortable).
	sortable bool
}

// queryValue returns a query parameter as the plugin sees it in $_GET:
// the last one of that name, slashed by WordPress (addslashes), which the
// plugin does not undo (so "o'neil" is looked up as "o\'neil").
func (r *apiRequest) queryValue(key string) (string, bool) {
	v, ok := lastQueryValue(r.query, key)
	return addSlashes(v), ok
}

// isJSON reports whether WordPress would treat the request as a JSON request.
func (r *apiRequest) isJSON() bool { return isJSONRequest(r.header) }

// readBody reads the request body like php://input: a body larger than the
// limit is dropped, as PHP drops a body over post_max_size.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.maxBodyBytes))
	if err != nil {
		return nil
	}
	return data
}

// authorized emulates the plugin's check: api_key and api_secret from the
// query string only, sanitised, compared with hash_equals (the secret through
// its HMAC, as the plugin stores only that).
func (s *Server) authorized(q url.Values) bool {
	key, _ := lastQueryValue(q, "api_key")
	secret, _ := lastQueryValue(q, "api_secret")
	key, secret = addSlashes(key), addSlashes(secret) // $_GET is slashed
	key, secret = sanitizeText(key), sanitizeText(secret)
	if key == "" || secret == "" {
		return false
	}
	keyOK := subtle.ConstantTimeCompare([]byte(key), []byte(s.APIKey)) == 1
	secretOK := hmac.Equal(secretHash(secret), secretHash(s.APISecret))
	return keyOK && secretOK
}

// secretHash is hash_hmac('sha256', secret, 'jpcrm').
func secretHash(secret string) []byte {
	m := hmac.New(sha256.New, []byte("jpcrm"))
	m.Write([]byte(secret))
	return m.Sum(nil)
}

// wordpress answers a request that passed the fault layer, as WordPress and
// the plugin would.
func (s *Server) wordpress(r *http.Request, body []byte) *response {
	if s.cfg.phpBuiltinServer && !phpServerMethods[r.Method] {
		return newResponse(http.StatusNotImplemented, contentTypeHTML, []byte(phpBuiltinServer501Page))
	}
	rt := s.resolveRoute(r)
	if rt.redirect != "" {
		resp := emptyHTML(http.StatusMovedPermanently)
		resp.header.Set("X-Redirect-By", "WordPress")
		resp.header.Set("Location", absoluteURL(r, rt.redirect))
		return resp
	}
	if r.Method == http.MethodHead {
		// WordPress exits on HEAD before template_include: no plugin, no auth.
		if rt.notFound {
			return emptyHTML(http.StatusNotFound)
		}
		return emptyHTML(http.StatusOK)
	}
	if rt.notFound {
		return newResponse(http.StatusNotFound, contentTypeHTML, []byte(notFoundPage))
	}
	if !rt.api {
		return newResponse(http.StatusOK, contentTypeHTML, []byte(frontPage))
	}
	q := r.URL.Query()
	if !s.authorized(q) {
		return errorEnvelope(http.StatusUnauthorized, statusUnauthorized, messageUnauthorized)
	}
	want, known := requiredMethod[rt.endpoint]
	if !known {
		return errorEnvelope(http.StatusBadRequest, statusBadRequest, messageBadRequest)
	}
	if want != "" && r.Method != want {
		if r.Method == "BREW" {
			return errorEnvelope(http.StatusTeapot, statusTeapot, messageTeapot)
		}
		return errorEnvelope(http.StatusMethodNotAllowed, statusMethod, messageMethod)
	}
	req := &apiRequest{method: r.Method, endpoint: rt.endpoint, query: q, header: r.Header, body: body, sortable: s.cfg.sortable()}
	if rt.endpoint == EndpointWebhook {
		return s.webhook(req) // runs the user's handler without the lock
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch rt.endpoint {
	case EndpointStatus:
		return s.status(req)
	case EndpointCreateCustomer:
		return s.createCustomer(req)
	case EndpointCustomers:
		return s.customers(req)
	case EndpointCustomerSearch:
		return s.customerSearch(req)
	case EndpointCreateCompany:
		return s.createCompany(req)
	case EndpointCompanies:
		return s.companiesList(req)
	case EndpointCreateTransaction:
		return s.createTransaction(req)
	case EndpointTransactions:
		return s.transactionsList(req)
	case EndpointCreateEvent:
		return s.createEvent(req)
	case EndpointEvents:
		return s.eventsList(req)
	case EndpointQuotes:
		return s.quotesList(req)
	default: // EndpointInvoices
		return s.invoicesList(req)
	}
}

// absoluteURL makes a Location header like WordPress's: scheme and host of
// the request, then path and query.
func absoluteURL(r *http.Request, pathAndQuery string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + pathAndQuery
}

// frontPage and notFoundPage stand in for the theme's pages.
const (
	frontPage    = "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>Jetpack CRM fake site</title></head><body><p>This is not an API request.</p></body></html>\n"
	notFoundPage = "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>Page not found</title></head><body><h1>Page not found</h1></body></html>\n"
)
