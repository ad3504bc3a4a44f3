package jetpackcrm

import (
	"context"
	"net/http"
	"net/url"
)

// Status is the reply of the status endpoint: a connection check that also
// reports versions. It is decoded from the "data" member of the
// {"success":true,"data":{...}} envelope, which only status and webhook use.
// Versions sent as numbers are read as text.
type Status struct {
	// Status is the server's (translated) verdict, "Successful Connection".
	Status string `json:"status"`
	// Message is the (translated) explanation.
	Message string `json:"message"`
	// CRMVersion is the plugin version the server reports; Jetpack CRM
	// 6.4.4 reports "6.4.3".
	CRMVersion string `json:"crm_version"`
	// DBVersion is the CRM database schema version, e.g. "3.0".
	DBVersion string `json:"db_version"`
	// Modules lists the enabled core modules (e.g. "api", "invbuilder");
	// only StatusFull fills it.
	Modules []string `json:"modules,omitzero"`
	// Extensions maps each active extension's key to its name and version;
	// only StatusFull fills it. The server sends [] when there are none,
	// which decodes as an empty map.
	Extensions map[string]Extension `json:"extensions,omitzero"`
}

// Extension is an installed Jetpack CRM extension.
type Extension struct {
	// Name is the extension's display name.
	Name string `json:"name"`
	// Version is its version string (a numeric version is read as text).
	Version string `json:"version"`
}

// UnmarshalJSON decodes an extension leniently.
func (x *Extension) UnmarshalJSON(b []byte) error { return unmarshalModel(b, x) }

// MarshalJSON encodes the extension in the server's wire shape.
func (x Extension) MarshalJSON() ([]byte, error) { return marshalModel(&x) }

// UnmarshalJSON decodes the "data" member of the status reply.
func (s *Status) UnmarshalJSON(b []byte) error { return unmarshalModel(b, s) }

// MarshalJSON encodes the status in the server's wire shape (the "data"
// member).
func (s Status) MarshalJSON() ([]byte, error) { return marshalModel(&s) }

// statusEnvelope is the whole status reply, {"success":true,"data":{...}}.
type statusEnvelope struct {
	Success flexBool `json:"success"`
	Data    Status   `json:"data"`
}

// Status checks the connection and the credentials (GET status) and returns
// the CRM and database versions. The [Client] keeps the CRM version it
// reports, to use what that release offers (see [Client.Features]).
func (c *Client) Status(ctx context.Context) (*Status, *Response, error) {
	return c.status(ctx, "Client.Status", nil)
}

// StatusFull is Status with the enabled core modules and the installed
// extensions (GET status?full=1).
func (c *Client) StatusFull(ctx context.Context) (*Status, *Response, error) {
	return c.status(ctx, "Client.StatusFull", url.Values{"full": {"1"}})
}

func (c *Client) status(ctx context.Context, op string, q url.Values) (*Status, *Response, error) {
	var env statusEnvelope
	resp, err := c.call(ctx, op, http.MethodGet, "status", q, nil, true, &env)
	if err != nil {
		return nil, resp, err
	}
	c.release.learn(env.Data.CRMVersion)
	return &env.Data, resp, nil
}

// Features returns what the release the status reports offers through the
// API (see [FeaturesOf]).
func (s *Status) Features() Features {
	if s == nil {
		return Features{}
	}
	return FeaturesOf(s.CRMVersion)
}
