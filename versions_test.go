package jetpackcrm_test

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// releaseSite is a fake of one release with three records of each kind;
// companies 2 is owned by user 1 and has transaction 2.
func releaseSite(t *testing.T, v string) *jetpackcrmtest.Server {
	t.Helper()
	srv := newFakeEnv(t, []jetpackcrmtest.Option{jetpackcrmtest.WithCRMVersion(v)}).srv
	now := time.Now().UTC().Truncate(time.Second)
	srv.SeedContacts(3)
	for i := range 3 {
		n := strconv.Itoa(i)
		owner := int64(0)
		if i == 1 {
			owner = 1
		}
		co, err := srv.SeedCompany(jetpackcrmtest.Company{Name: "Co " + n, Email: "co" + n + "@example.com", Owner: owner})
		require.NoError(t, err)
		tx := jetpackcrmtest.Transaction{OrderID: "ord-" + n, Status: "Succeeded", Total: "1.00", FromAPI: true}
		if i == 1 {
			tx.CompanyID = co.ID
		}
		_, err = srv.SeedTransaction(tx)
		require.NoError(t, err)
		_, err = srv.SeedEvent(jetpackcrmtest.Event{Title: "Task " + n, Start: now, End: now.Add(time.Hour)})
		require.NoError(t, err)
	}
	return srv
}

func ids[T any](t *testing.T, seq iter.Seq2[*T, error], id func(*T) int64) ([]int64, error) {
	t.Helper()
	var out []int64
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, id(v))
	}
	return out, nil
}

// Every release the fake models, through the public API: what each offers
// is used, what it would ignore is refused naming it, and the site's status
// is read once.
func TestReleasesThroughTheFake(t *testing.T) {
	t.Parallel()
	asc, desc := []int64{1, 2, 3}, []int64{3, 2, 1}
	txID := func(x *jetpackcrm.Transaction) int64 { return x.ID }
	evID := func(x *jetpackcrm.Event) int64 { return x.ID }
	coID := func(x *jetpackcrm.Company) int64 { return x.ID }
	cuID := func(x *jetpackcrm.Customer) int64 { return x.ID }
	for _, v := range []string{"6.4.4", "6.5.0", "6.6.1"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			srv := releaseSite(t, v)
			c := srv.Client()
			ctx := context.Background()
			f, err := c.Features(ctx)
			require.NoError(t, err)
			order, filters := v != "6.4.4", v == "6.6.1"
			assert.Equal(t, order, f.ListOrder)
			assert.Equal(t, filters, f.CompanyFilters)

			desc3 := &jetpackcrm.ListOptions{Order: jetpackcrm.Descending, PerPage: 2}
			checkOrder := func(name string, got []int64, err error, want []int64, honoured bool) {
				t.Helper()
				if !honoured {
					var ve *jetpackcrm.ValidationError
					require.ErrorAs(t, err, &ve, name)
					assert.Equal(t, "Order", ve.Field, name)
					assert.Contains(t, ve.Error(), "Jetpack CRM "+f.Version, name)
					return
				}
				require.NoError(t, err, name)
				assert.Equal(t, want, got, name)
			}

			// Defaults: the same order on every release, but companies.
			got, err := ids(t, c.Transactions.All(ctx, nil), txID)
			checkOrder("transactions default", got, err, asc, true)
			got, err = ids(t, c.Events.All(ctx, nil), evID)
			checkOrder("events default", got, err, asc, true)
			got, err = ids(t, c.Companies.All(ctx, nil), coID)
			checkOrder("companies default", got, err, map[bool][]int64{false: asc, true: desc}[filters], true)
			found, _, err := c.Customers.Search(ctx, "", nil)
			checkOrder("search default", idsOf(found, cuID), err, asc, true)

			// Newest first where the release takes order.
			got, err = ids(t, c.Transactions.All(ctx, desc3), txID)
			checkOrder("transactions desc", got, err, desc, order)
			got, err = ids(t, c.Events.All(ctx, &jetpackcrm.EventListOptions{ListOptions: *desc3}), evID)
			checkOrder("events desc", got, err, desc, order)
			found, _, err = c.Customers.Search(ctx, "", &jetpackcrm.ListOptions{Order: jetpackcrm.Descending})
			checkOrder("search desc", idsOf(found, cuID), err, desc, order)
			_, err = ids(t, c.Customers.All(ctx, &jetpackcrm.CustomerListOptions{ListOptions: *desc3}), cuID)
			assert.ErrorIs(t, err, jetpackcrm.ErrInvalidInput, "no release lists contacts newest first")
			got, err = ids(t, c.Companies.All(ctx, desc3), coID)
			checkOrder("companies desc", got, err, desc, filters)

			// The companies filters.
			before := len(srv.Requests())
			owned, _, err := c.Companies.ListFiltered(ctx, &jetpackcrm.CompanyListOptions{Owner: 1, WithTransactions: true})
			if filters {
				require.NoError(t, err)
				require.Len(t, owned, 1)
				assert.Equal(t, int64(2), owned[0].ID)
				require.Len(t, owned[0].Transactions, 1, "the company's transactions, decoded")
				assert.Equal(t, "ord-1", owned[0].Transactions[0].OrderID)
				assert.Empty(t, owned[0].CustomFields)
			} else {
				var ve *jetpackcrm.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "Owner", ve.Field)
				assert.Contains(t, ve.Error(), "Jetpack CRM "+f.Version)
				assert.Len(t, srv.Requests(), before, "refused before sending")
			}

			statuses := 0
			for _, r := range srv.Requests() {
				if r.Endpoint == "status" {
					statuses++
				}
			}
			assert.Equal(t, 1, statuses, "the release is read once per Client")
		})
	}
}

func idsOf[T any](list []*T, id func(*T) int64) []int64 {
	out := []int64{}
	for _, v := range list {
		out = append(out, id(v))
	}
	return out
}

// Jetpack CRM 6.6 lists every contact with a copy of "owner" under
// "owner_zbs-name-clash-tmp-fix"; it is not a custom field.
func TestNameClashCopyIsNotACustomField(t *testing.T) {
	t.Parallel()
	srv := newFakeEnv(t, []jetpackcrmtest.Option{jetpackcrmtest.WithCRMVersion("6.6.1"), jetpackcrmtest.WithContactCustomFields("loyalty")}).srv
	_, err := srv.SeedContact(jetpackcrmtest.Contact{Email: "ada@example.com", Owner: 1, CustomFields: map[string]string{"loyalty": "gold"}})
	require.NoError(t, err)
	c := srv.Client()
	ctx := context.Background()

	req, err := c.NewRequest(ctx, http.MethodPost, "customers", nil, map[string]any{})
	require.NoError(t, err)
	var raw []map[string]json.RawMessage
	_, err = c.Do(req, &raw)
	require.NoError(t, err)
	require.Len(t, raw, 1)
	require.Contains(t, raw[0], "owner_zbs-name-clash-tmp-fix", "the fake sends it, as 6.6.1 does")

	list, _, err := c.Customers.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, map[string]string{"loyalty": "gold"}, list[0].CustomFields)
	assert.Equal(t, int64(1), list[0].Owner)
	found, _, err := c.Customers.Search(ctx, "ada", nil)
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, map[string]string{"loyalty": "gold"}, found[0].CustomFields)
	for _, wf := range jetpackcrm.WireFields(jetpackcrm.Customer{}) {
		assert.NotEqual(t, "owner_zbs-name-clash-tmp-fix", wf.Name, "not a field either")
	}
}
