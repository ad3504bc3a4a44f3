package jetpackcrm_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// BenchmarkEventsCreateUnderFaults creates events against a fake failing
// 15% of the creates and 15% of the events list reads with every ambiguous
// answer (relEventFaultKinds), one event per op, 8 at a time, and counts
// what happened to them: dup/op (stored more than once), lost/op (a
// success that is not stored, or a "not stored" that is), ambiguous/op
// (an error for which MayHaveBeenApplied holds), and the cost: sends/op
// (create requests) and reads/op (list reads of the checks).
//
// via=Create is Events.Create; via=Do posts the same request with
// NewRequest and Do, which retries only what was never applied (429) and
// leaves every other failure to the caller: a create without the check.
// Run it with a fixed count of calls, e.g. -benchtime 2000x.
func BenchmarkEventsCreateUnderFaults(b *testing.B) {
	for _, version := range []string{"6.4.4", "6.6.1"} {
		for _, via := range []string{"Do", "Create"} {
			b.Run(fmt.Sprintf("crm=%s/via=%s", version, via), func(b *testing.B) {
				srv := jetpackcrmtest.NewServer(jetpackcrmtest.WithCRMVersion(version), jetpackcrmtest.WithRequestLogLimit(1<<22))
				defer srv.Close()
				srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "create_event", Rate: 0.15, Kinds: relEventFaultKinds, Seed: relSeedEvents, RetryAfter: -1})
				srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "events", Rate: 0.15, Kinds: relEventFaultKinds, Seed: relSeedEvents + 1, RetryAfter: -1})
				c := srv.Client(jetpackcrm.WithRetryPolicy(relFastPolicy))
				defer c.CloseIdleConnections()
				from := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
				title := func(i int) string { return fmt.Sprintf("Bench %06d", i) }
				errs := make([]error, b.N)
				ok := make([]bool, b.N)
				ctx := context.Background()
				b.ResetTimer()
				relRun(b.N, perfBulkConcurrency, func(i int) (int, error) {
					req := &jetpackcrm.EventRequest{Title: title(i), From: from.Add(time.Duration(i) * time.Hour), To: from.Add(time.Duration(i)*time.Hour + time.Hour), Notes: "bench"}
					var err error
					if via == "Create" {
						_, _, err = c.Events.Create(ctx, req)
					} else {
						var hr *http.Request
						if hr, err = c.NewRequest(ctx, http.MethodPost, "create_event", nil, req); err == nil {
							var e jetpackcrm.Event
							_, err = c.Do(hr, &e)
						}
					}
					errs[i], ok[i] = err, err == nil
					return 0, err
				})
				b.StopTimer()
				stored := map[string]int{}
				for _, e := range srv.Events() {
					stored[e.Title]++
				}
				var dup, lost, ambiguous int
				for i, err := range errs {
					n := stored[title(i)]
					if n > 1 {
						dup++
					}
					switch {
					case ok[i] && n == 0:
						lost++
					case err != nil && jetpackcrm.MayHaveBeenApplied(err):
						ambiguous++
					case err != nil && n > 0:
						lost++ // said not stored, but it is
					}
				}
				var sends, reads int
				for _, r := range srv.Requests() {
					switch r.Endpoint {
					case "create_event":
						sends++
					case "events":
						reads++
					}
				}
				faults := 0
				for _, k := range relEventFaultKinds {
					faults += srv.FaultCount(k)
				}
				per := func(x int) float64 { return float64(x) / float64(b.N) }
				b.ReportMetric(per(dup), "dup/op")
				b.ReportMetric(per(lost), "lost/op")
				b.ReportMetric(per(ambiguous), "ambiguous/op")
				b.ReportMetric(per(faults), "faults/op")
				b.ReportMetric(per(sends), "sends/op")
				b.ReportMetric(per(reads), "reads/op")
			})
		}
	}
}
