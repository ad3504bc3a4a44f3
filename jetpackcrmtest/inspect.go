package jetpackcrmtest

import (
	"maps"
	"slices"
)

// The accessors below return deep copies of the fake's data, for
// assertions. They are safe to call at any time, including from a webhook
// handler.

// Contacts returns every contact, ID ascending.
func (s *Server) Contacts() []Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Contact, 0, len(s.db.contacts))
	for _, c := range s.db.contacts {
		out = append(out, cloneContact(*c))
	}
	return out
}

// Contact returns the contact with the given ID.
func (s *Server) Contact(id int64) (Contact, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.db.contact(id); c != nil {
		return cloneContact(*c), true
	}
	return Contact{}, false
}

// ContactByEmail returns the contact with the given email (case-insensitive).
func (s *Server) ContactByEmail(email string) (Contact, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.db.contactByEmail(email); c != nil {
		return cloneContact(*c), true
	}
	return Contact{}, false
}

// Companies returns every company, ID ascending.
func (s *Server) Companies() []Company {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Company, 0, len(s.db.companies))
	for _, c := range s.db.companies {
		out = append(out, cloneCompany(*c))
	}
	return out
}

// CompanyByEmail returns the company with the given email (case-insensitive).
func (s *Server) CompanyByEmail(email string) (Company, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.db.companyByEmail(email); c != nil {
		return cloneCompany(*c), true
	}
	return Company{}, false
}

// Transactions returns every transaction, ID ascending.
func (s *Server) Transactions() []Transaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Transaction, 0, len(s.db.transactions))
	for _, t := range s.db.transactions {
		out = append(out, cloneTransaction(*t))
	}
	return out
}

// TransactionByOrderID returns the transaction with the given order ID.
func (s *Server) TransactionByOrderID(orderID string) (Transaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.db.transactionByRef(orderID); t != nil {
		return cloneTransaction(*t), true
	}
	return Transaction{}, false
}

// Events returns every event, ID ascending.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Event, 0, len(s.db.events))
	for _, e := range s.db.events {
		out = append(out, cloneEvent(*e))
	}
	return out
}

// Event returns the event with the given ID.
func (s *Server) Event(id int64) (Event, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.db.event(id); e != nil {
		return cloneEvent(*e), true
	}
	return Event{}, false
}

// Quotes returns every quote, ID ascending.
func (s *Server) Quotes() []Quote {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Quote, 0, len(s.db.quotes))
	for _, q := range s.db.quotes {
		out = append(out, cloneQuote(*q))
	}
	return out
}

// Invoices returns every invoice, ID ascending.
func (s *Server) Invoices() []Invoice {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Invoice, 0, len(s.db.invoices))
	for _, inv := range s.db.invoices {
		out = append(out, cloneInvoice(*inv))
	}
	return out
}

// Tags returns every tag, ID ascending.
func (s *Server) Tags() []Tag {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Tag, 0, len(s.db.tags))
	for _, t := range s.db.tags {
		out = append(out, *t)
	}
	return out
}

// Counts is the number of records of each kind.
type Counts struct {
	Contacts, Companies, Transactions, Events, Quotes, Invoices, Tags int
}

// Counts returns the number of records of each kind.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Counts{
		Contacts:     len(s.db.contacts),
		Companies:    len(s.db.companies),
		Transactions: len(s.db.transactions),
		Events:       len(s.db.events),
		Quotes:       len(s.db.quotes),
		Invoices:     len(s.db.invoices),
		Tags:         len(s.db.tags),
	}
}

func cloneContact(c Contact) Contact {
	c.Tags = slices.Clone(c.Tags)
	c.CustomFields = maps.Clone(c.CustomFields)
	return c
}

func cloneCompany(c Company) Company {
	c.Tags = slices.Clone(c.Tags)
	c.CustomFields = maps.Clone(c.CustomFields)
	return c
}

func cloneTransaction(t Transaction) Transaction {
	t.LineItems = slices.Clone(t.LineItems)
	t.CustomFields = maps.Clone(t.CustomFields)
	return t
}

func cloneEvent(e Event) Event {
	e.Reminders = slices.Clone(e.Reminders)
	return e
}

func cloneQuote(q Quote) Quote {
	q.LineItems = slices.Clone(q.LineItems)
	return q
}

func cloneInvoice(inv Invoice) Invoice {
	inv.LineItems = slices.Clone(inv.LineItems)
	return inv
}
