package jetpackcrm

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWireFields(t *testing.T) {
	t.Parallel()
	byName := func(fields []WireField) map[string]WireField {
		m := map[string]WireField{}
		for _, f := range fields {
			m[f.Name] = f
		}
		return m
	}
	customer := byName(WireFields(Customer{}))
	assert.Equal(t, WireFields(Customer{}), WireFields(&Customer{}), "a value or a pointer")
	for name, path := range map[string]string{
		"id": "ID", "fname": "FirstName", "addr1": "Address.Line1", "secaddr_city": "SecondaryAddress.City",
		"createduts": "Created", "tags": "Tags", "transactions": "Transactions",
	} {
		require.Contains(t, customer, name)
		assert.Equal(t, path, customer[name].Path, name)
	}
	assert.Equal(t, []string{"seccity"}, customer["secaddr_city"].Aliases)
	assert.Equal(t, []string{"name"}, customer["fullname"].Aliases)
	assert.Equal(t, []string{"created"}, customer["createduts"].Aliases, "the legacy fallback is a name too")
	assert.NotContains(t, customer, "", "CustomFields is not a wire field")

	c := Customer{SecondaryAddress: Address{City: "Bath"}}
	f := customer["secaddr_city"]
	assert.Equal(t, "Bath", reflect.ValueOf(c).FieldByIndex(f.Index).Interface())
	assert.Equal(t, reflect.TypeFor[string](), f.Type)

	company := byName(WireFields(Company{}))
	assert.Equal(t, "SecondaryAddress.City", company["seccity"].Path, "companies write sec... names")
	req := byName(WireFields(&CustomerRequest{}))
	assert.Equal(t, "AssignTo", req["assign"].Path)
	assert.Equal(t, "ForceStatus", req["sticky"].Path)
	tx := byName(WireFields(Transaction{}))
	assert.Equal(t, []string{"customer"}, tx["contact"].Aliases)
	for _, f := range tx {
		assert.NotEqual(t, "CompanyID", f.Path, "a field without a wire name of its own is not listed")
	}
	assert.Nil(t, WireFields(42))
	assert.Nil(t, WireFields(nil))
}

// TestWireNamesAreUnique checks every model's table: no wire name is
// claimed twice (the codec refuses to build one that does), and the
// request's writable names are the record's, so that what is written is
// read back into the same field.
func TestWireNamesAreUnique(t *testing.T) {
	t.Parallel()
	for _, pair := range []struct{ req, rec any }{
		{CustomerRequest{}, Customer{}}, {CompanyRequest{}, Company{}}, {TransactionRequest{}, Transaction{}},
	} {
		rec := codecs().byType[reflect.TypeOf(pair.rec)]
		for _, f := range WireFields(pair.req) {
			assert.True(t, rec.isBuiltin(f.Name), "%T %s is a key of %T", pair.req, f.Name, pair.rec)
		}
	}
	assert.Panics(t, func() {
		type twice struct {
			A string `json:"a"`
			B string `json:"b" jpcrm:"alias=a"`
		}
		r := &registry{byType: map[reflect.Type]*modelCodec{}, targets: map[reflect.Type]func([]byte, any) error{}}
		register[twice](r, "twice").build(r)
	})
}
