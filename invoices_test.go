package jetpackcrm

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInvoicesListDecodesRecordedPage(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "invoices", replay(t, 149))
	list, resp, err := env.client.Invoices.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	inv := list[0]
	assert.Equal(t, int64(1), inv.ID)
	assert.Equal(t, "INV-SEED-1", inv.Reference)
	assert.Equal(t, "Unpaid", inv.Status)
	assert.Equal(t, "USD", inv.Currency)
	assert.True(t, decimal.RequireFromString("1440.00").Equal(inv.Total), "total %s", inv.Total)
	assert.True(t, decimal.RequireFromString("1200.00").Equal(inv.Net))
	assert.True(t, decimal.RequireFromString("240.00").Equal(inv.Tax))
	assert.True(t, time.Unix(1795835090, 0).Equal(inv.Date), `not the "November 28, 2026" string`)
	assert.True(t, time.Unix(1798427090, 0).Equal(inv.DueDate))
	assert.True(t, inv.PaidDate.IsZero())
	assert.True(t, inv.AllowPartial)
	require.Len(t, inv.LineItems, 1)
	assert.Equal(t, "Consulting", inv.LineItems[0].Title)
	assert.True(t, decimal.RequireFromString("600.00").Equal(inv.LineItems[0].Price))
	assert.Zero(t, resp.NextPage)

	env2 := setup(t)
	serveWire(env2, http.MethodGet, "invoices", replay(t, 142))
	none, _, err := env2.client.Invoices.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestDecodeRecordedInvoices(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Invoice](t, 149)
	require.Len(t, list, 1)
	inv := list[0]
	assert.Equal(t, int64(1), inv.ID)
	assert.Equal(t, int64(1), inv.Owner)
	assert.Equal(t, "INV-SEED-1", inv.Reference)
	assert.Equal(t, "Unpaid", inv.Status)
	assert.Equal(t, "USD", inv.Currency)
	assertDecimal(t, "1440.00", inv.Total)
	assertDecimal(t, "1200.00", inv.Net)
	assertDecimal(t, "240.00", inv.Tax)
	assert.True(t, inv.AllowPartial)
	assert.Equal(t, time.Unix(1795835090, 0), inv.Date)
	assert.Equal(t, time.Unix(1798427090, 0), inv.DueDate)
	assert.True(t, inv.PaidDate.IsZero())
	assert.Nil(t, inv.CustomFields)

	require.Len(t, inv.LineItems, 1)
	li := inv.LineItems[0]
	assert.Equal(t, int64(1), li.ID)
	assert.Equal(t, int64(1), li.Order)
	assert.Equal(t, "Consulting", li.Title)
	assert.Equal(t, "Two days on site", li.Description)
	assertDecimal(t, "2", li.Quantity)
	assertDecimal(t, "600.00", li.Price)
	assertDecimal(t, "1200.00", li.Net)
	assertDecimal(t, "1200.00", li.Total)
}
