package jetpackcrmtest

import (
	"fmt"

	"github.com/jpcrm-go/jetpackcrm"
)

// Client returns an SDK client for this server, authenticated with its key
// and secret, with the SDK's own default transport (httptest's client keeps
// only 2 idle connections per host, which concurrent callers would churn).
// opts are applied as given. Client panics if the server is not started or
// NewClient refuses the options, as this is test setup, not request
// handling.
func (s *Server) Client(opts ...jetpackcrm.Option) *jetpackcrm.Client {
	if s.HTTPClient() == nil {
		panic("jetpackcrmtest: Client called before Start")
	}
	c, err := jetpackcrm.NewClient(s.URL, s.APIKey, s.APISecret, opts...)
	if err != nil {
		panic(fmt.Sprintf("jetpackcrmtest: %v", err))
	}
	return c
}
