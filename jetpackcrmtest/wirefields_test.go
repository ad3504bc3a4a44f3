package jetpackcrmtest_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fillText sets every text field of the request *req, but skip, to
// "v-<wire name>", and returns the fields it set.
func fillText(req any, skip ...string) []jetpackcrm.WireField {
	var set []jetpackcrm.WireField
	v := reflect.ValueOf(req).Elem()
	for _, wf := range jetpackcrm.WireFields(req) {
		if wf.Type.Kind() == reflect.String && !slices.Contains(skip, wf.Name) {
			v.FieldByIndex(wf.Index).SetString("v-" + wf.Name)
			set = append(set, wf)
		}
	}
	return set
}

// textAt is the text at the Go path of a wire field in a record of
// another type (the fake's record, the SDK's model), and whether it has
// that path.
func textAt(record any, wf jetpackcrm.WireField) (string, bool) {
	v := reflect.ValueOf(record)
	for _, name := range strings.Split(wf.Path, ".") {
		if v.Kind() != reflect.Struct {
			return "", false
		}
		if v = v.FieldByName(name); !v.IsValid() {
			return "", false
		}
	}
	return v.String(), v.Kind() == reflect.String
}

// TestFakeStoresEveryRequestTextField: every text field of a
// CustomerRequest and a CompanyRequest is stored by the fake in its record
// under the same Go path and listed back to the SDK, so that a field
// added to the SDK's models (and to the fake's record) works on the fake
// with no table to edit.
func TestFakeStoresEveryRequestTextField(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("contacts", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		c := srv.Client()
		req := &jetpackcrm.CustomerRequest{Email: "every@field.example", Status: "Lead"}
		fields := fillText(req, "email", "status")
		require.NotEmpty(t, fields)
		_, _, err := c.Customers.Create(ctx, req)
		require.NoError(t, err)
		stored := srv.Contacts()
		require.Len(t, stored, 1)
		got, _, err := c.Customers.GetByEmail(ctx, req.Email)
		require.NoError(t, err)
		for _, wf := range fields {
			v, ok := textAt(stored[0], wf)
			require.Truef(t, ok, "jetpackcrmtest.Contact has no text field %s for %q", wf.Path, wf.Name)
			assert.Equalf(t, "v-"+wf.Name, v, "stored %s", wf.Path)
			v, _ = textAt(*got, wf)
			assert.Equalf(t, "v-"+wf.Name, v, "listed %s", wf.Path)
		}
	})
	t.Run("companies", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		c := srv.Client()
		req := &jetpackcrm.CompanyRequest{Name: "Every Field Ltd", Email: "every@company.example", Status: "Lead"}
		fields := fillText(req, "name", "email", "status")
		require.NotEmpty(t, fields)
		_, _, err := c.Companies.Create(ctx, req)
		require.NoError(t, err)
		stored := srv.Companies()
		require.Len(t, stored, 1)
		list, _, err := c.Companies.List(ctx, nil)
		require.NoError(t, err)
		require.Len(t, list, 1)
		for _, wf := range fields {
			v, ok := textAt(stored[0], wf)
			require.Truef(t, ok, "jetpackcrmtest.Company has no text field %s for %q", wf.Path, wf.Name)
			assert.Equalf(t, "v-"+wf.Name, v, "stored %s", wf.Path)
			v, _ = textAt(*list[0], wf)
			assert.Equalf(t, "v-"+wf.Name, v, "listed %s", wf.Path)
		}
	})
}
