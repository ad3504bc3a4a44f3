package jetpackcrm_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// Transactions.Create, keyed by order ID, under the same faults: exactly
// one transaction per order ID, each holding the fields sent.
func TestReliabilityTransactionsUpsertsLoseNothing(t *testing.T) {
	t.Parallel()
	const n, workers = 2000, 16
	env := setupFake(t, nil)
	env.srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "create_transaction", Rate: 0.10, Kinds: relFaultKinds, Seed: relSeedTransactions, RetryAfter: -1})
	day := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	reqs := make([]*jetpackcrm.TransactionRequest, n)
	for i := range reqs {
		reqs[i] = &jetpackcrm.TransactionRequest{
			OrderID: fmt.Sprintf("ORD-%05d", i), Status: "Succeeded",
			Total: decimal.New(int64(1000+i), -2), Title: fmt.Sprintf("Item %d", i),
			Currency: "GBP", Date: day.Add(time.Duration(i) * time.Minute),
		}
	}
	ctx := context.Background()
	start := time.Now()
	attempts, errs := relRun(n, workers, func(i int) (int, error) {
		tx, resp, err := env.client.Transactions.Create(ctx, reqs[i])
		if err == nil && (tx == nil || tx.ID == 0 || tx.OrderID != reqs[i].OrderID) {
			err = fmt.Errorf("bad echo %+v", tx)
		}
		return relAttempts(resp, err), err
	})
	elapsed := time.Since(start)
	for i, err := range errs {
		require.NoError(t, err, "call %d", i)
	}
	counts := env.srv.FaultCounts()
	total := relSum(attempts)
	assert.Equal(t, env.srv.RequestCount(), total)
	assert.InDelta(t, 0.10, float64(total-n)/float64(total), 0.03)

	txs := env.srv.Transactions()
	require.Len(t, txs, n, "exactly one transaction per order ID")
	byOrder := make(map[string]jetpackcrmtest.Transaction, n)
	for _, tx := range txs {
		byOrder[tx.OrderID] = tx
	}
	for _, r := range reqs {
		tx, ok := byOrder[r.OrderID]
		require.True(t, ok, "transaction %s lost", r.OrderID)
		assert.Equal(t, r.Status, tx.Status)
		assert.True(t, r.Total.Equal(decimal.RequireFromString(tx.Total)), "total %s, stored %s", r.Total, tx.Total)
		assert.Equal(t, r.Title, tx.Title)
		assert.Equal(t, r.Currency, tx.Currency)
		assert.True(t, r.Date.Equal(tx.Date), "date %v, stored %v", r.Date, tx.Date)
	}
	assert.Zero(t, env.srv.Counts().Contacts, "no email sent: no contact created")
	t.Logf("Transactions.Create x%d, %d workers, seed %d: %d attempts, %d retries, faults %s, 0 errors, %d transactions, %v",
		n, workers, relSeedTransactions, total, total-n, relFaultSummary(counts), len(txs), elapsed.Round(time.Millisecond))
}
