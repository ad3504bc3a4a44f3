package jetpackcrm

import (
	"net/http"
	"testing"
)

// BenchmarkDecodeCustomerPage decodes a 100-contact page (capture 61's
// contacts, with tags, invoices, quotes and transactions) the way
// Customers.List does: decodeBody into a *[]*Customer.
func BenchmarkDecodeCustomerPage(b *testing.B) {
	page := customerPage(b, 100)
	ci := newCallInfo(http.MethodPost, "customers")
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		var out []*Customer
		if err := decodeBody(ci, resp, page, 1, nil, &out); err != nil {
			b.Fatal(err)
		}
		if len(out) != 100 {
			b.Fatal(len(out))
		}
	}
}
