package jetpackcrmtest

import (
	"fmt"

	"github.com/jpcrm-go/jetpackcrm"
)

// Client returns an SDK client for this server, authenticated with its key
// and secret and sending through the server's own *http.Client (so Close
// also closes its idle connections). opts are applied after that and may
// replace it. Client panics if the server is not started or NewClient
// refuses the options, as this is test setup, not request handling.
func (s *Server) Client(opts ...jetpackcrm.Option) *jetpackcrm.Client {
	hc := s.HTTPClient()
	if hc == nil {
		panic("jetpackcrmtest: Client called before Start")
	}
	all := append([]jetpackcrm.Option{jetpackcrm.WithHTTPClient(hc)}, opts...)
	c, err := jetpackcrm.NewClient(s.URL, s.APIKey, s.APISecret, all...)
	if err != nil {
		panic(fmt.Sprintf("jetpackcrmtest: %v", err))
	}
	return c
}
