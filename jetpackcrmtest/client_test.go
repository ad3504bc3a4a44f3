package jetpackcrmtest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

func TestClientTalksToTheFake(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newServer(t)
	client := srv.Client()

	st, _, err := client.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, "6.4.3", st.CRMVersion)

	_, _, err = client.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"})
	require.NoError(t, err)
	stored, ok := srv.ContactByEmail("ada@example.com")
	require.True(t, ok)
	assert.Equal(t, "Lovelace", stored.LastName)

	got, _, err := client.Customers.GetByEmail(ctx, "ada@example.com")
	require.NoError(t, err)
	assert.Equal(t, stored.ID, got.ID)

	_, _, err = client.Customers.GetByEmail(ctx, "nobody@example.com")
	assert.True(t, errors.Is(err, jetpackcrm.ErrNotFound), "%v", err)
}

func TestClientSeesInjectedFaults(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	// No Retry-After: the client would otherwise pause for it.
	srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "status", Schedule: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault503}, RetryAfter: -1})
	client := srv.Client(jetpackcrm.WithoutRetries())
	_, _, err := client.Status(context.Background())
	assert.True(t, errors.Is(err, jetpackcrm.ErrUnavailable), "%v", err)
	_, _, err = client.Status(context.Background())
	assert.NoError(t, err)
}

func TestClientPanicsBeforeStart(t *testing.T) {
	t.Parallel()
	srv := jetpackcrmtest.NewUnstartedServer()
	t.Cleanup(srv.Close)
	assert.Panics(t, func() { srv.Client() })
}
