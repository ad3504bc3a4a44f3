package jetpackcrm

import (
	"context"
	"net/http"
	"net/url"
)

// Status is the reply of the status endpoint: a connection check that also
// reports versions. It is decoded from the "data" member of the
// {"success":true,"data":{...}} envelope, which only status and webhook use.
type Status struct {
	// Status is the server's (translated) verdict, "Successful Connection".
	Status string
	// Message is the (translated) explanation.
	Message string
	// CRMVersion is the plugin version the server reports; Jetpack CRM
	// 6.4.4 reports "6.4.3".
	CRMVersion string
	// DBVersion is the CRM database schema version, e.g. "3.0".
	DBVersion string
	// Modules lists the enabled core modules (e.g. "api", "invbuilder");
	// only StatusFull fills it.
	Modules []string
	// Extensions maps each active extension's key to its name and version;
	// only StatusFull fills it. The server sends [] when there are none,
	// which decodes as an empty map.
	Extensions map[string]Extension
}

// Extension is an installed Jetpack CRM extension.
type Extension struct {
	// Name is the extension's display name.
	Name string
	// Version is its version string.
	Version string
}

func (x *Extension) decodeJSON(r *jsonReader) error {
	*x = Extension{}
	return r.readObject(func(key []byte) (err error) {
		switch string(key) {
		case "name":
			x.Name, err = r.readString()
		case "version":
			x.Version, err = r.readString()
		default:
			err = r.skipValue()
		}
		return err
	})
}

// UnmarshalJSON decodes an extension leniently (a numeric version is read
// as text).
func (x *Extension) UnmarshalJSON(b []byte) error {
	return unmarshalObject(b, x, "Extension", (*Extension).decodeJSON)
}

// MarshalJSON encodes the extension in the server's wire shape.
func (x Extension) MarshalJSON() ([]byte, error) {
	w := newJSONWriter()
	w.str("name", x.Name)
	w.str("version", x.Version)
	return w.bytes(), nil
}

func (s *Status) decodeJSON(r *jsonReader) error {
	*s = Status{}
	return r.readObject(func(key []byte) (err error) {
		switch string(key) {
		case "status":
			s.Status, err = r.readString()
		case "message":
			s.Message, err = r.readString()
		case "crm_version":
			s.CRMVersion, err = r.readString()
		case "db_version":
			s.DBVersion, err = r.readString()
		case "modules":
			s.Modules, err = r.readStrings()
		case "extensions":
			s.Extensions = map[string]Extension{}
			err = r.readObject(func(k []byte) error {
				var x Extension
				err := x.decodeJSON(r)
				s.Extensions[string(k)] = x
				return err
			})
		default:
			err = r.skipValue()
		}
		return err
	})
}

// UnmarshalJSON decodes the "data" member of the status reply. Versions
// sent as numbers are read as text; "extensions":[] gives an empty map.
func (s *Status) UnmarshalJSON(b []byte) error {
	return unmarshalObject(b, s, "Status", (*Status).decodeJSON)
}

// MarshalJSON encodes the status in the server's wire shape (the "data"
// member).
func (s Status) MarshalJSON() ([]byte, error) {
	w := newJSONWriter()
	w.str("status", s.Status)
	w.str("message", s.Message)
	w.str("crm_version", s.CRMVersion)
	w.str("db_version", s.DBVersion)
	if s.Modules != nil {
		w.strList("modules", s.Modules)
	}
	if s.Extensions != nil {
		if len(s.Extensions) == 0 {
			w.raw("extensions", []byte("[]"))
		} else if err := w.value("extensions", s.Extensions); err != nil {
			return nil, err
		}
	}
	return w.bytes(), nil
}

// statusEnvelope is the whole status reply, {"success":true,"data":{...}}.
type statusEnvelope struct {
	Success flexBool `json:"success"`
	Data    Status   `json:"data"`
}

// Status checks the connection and the credentials (GET status) and returns
// the CRM and database versions.
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
	resp, err := c.callAs(ctx, op, http.MethodGet, "status", q, nil, true, &env)
	if err != nil {
		return nil, resp, err
	}
	return &env.Data, resp, nil
}
