package jetpackcrmtest

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrSeedConflict is returned by the Seed methods for an explicit ID that is
// already taken, a duplicate contact or company email, or a duplicate
// transaction order ID.
var ErrSeedConflict = errors.New("jetpackcrmtest: seed conflicts with existing data")

// SeedContact stores a contact directly, as if made in the CRM. A zero ID is
// assigned; a zero Owner or WPID is stored as -1 (unassigned); an empty
// Status gets the default status; zero Created/LastUpdated get the clock.
// It returns the stored contact.
func (s *Server) SeedContact(c Contact) (Contact, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seedContact(c)
}

func (s *Server) seedContact(c Contact) (Contact, error) {
	c = cloneContact(c)
	if c.ID != 0 && s.db.contact(c.ID) != nil {
		return Contact{}, fmt.Errorf("%w: contact %d exists", ErrSeedConflict, c.ID)
	}
	if c.Email != "" && s.db.contactByEmail(c.Email) != nil {
		return Contact{}, fmt.Errorf("%w: contact email %q exists", ErrSeedConflict, c.Email)
	}
	if !assignID(&c.ID, &s.db.nextContact) {
		return Contact{}, fmt.Errorf("%w: invalid contact ID %d", ErrSeedConflict, c.ID)
	}
	now := s.now()
	if c.Owner == 0 {
		c.Owner = -1
	}
	if c.WPID == 0 {
		c.WPID = -1
	}
	if c.Status == "" {
		c.Status = s.cfg.defaultStatus
	}
	if c.Created.IsZero() {
		c.Created = now
	}
	if c.LastUpdated.IsZero() {
		c.LastUpdated = c.Created
	}
	c.Tags = s.db.attachTags(objTypeContact, c.Tags, c.Created)
	stored := cloneContact(c)
	s.db.contacts = insertSorted(s.db.contacts, &stored, contactID)
	return c, nil
}

// Names SeedContacts draws from.
var (
	seedFirstNames = []string{"Ada", "Grace", "Alan", "Linus", "Margaret", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Dennis", "Katherine", "John", "Hedy", "Tim"}
	seedLastNames  = []string{"Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Ritchie", "Johnson", "McCarthy", "Lamarr", "Lee"}
	seedCities     = []string{"London", "Arlington", "Helsinki", "Boston", "Austin", "Zurich", "Cambridge", "Seattle"}
	seedStatuses   = []string{"Lead", "Customer", "Lead", "Refused"}
)

// SeedContacts stores n generated contacts and returns them. The data is
// deterministic (it depends only on the IDs assigned): names cycle through
// fixed lists and every email is unique, e.g.
// "grace.lovelace.2@example.com".
func (s *Server) SeedContacts(n int) []Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Contact, 0, max(n, 0))
	for i := 0; i < n; i++ {
		k := s.db.nextContact
		first := seedFirstNames[k%int64(len(seedFirstNames))]
		last := seedLastNames[(k/int64(len(seedFirstNames)))%int64(len(seedLastNames))]
		email := fmt.Sprintf("%s.%s.%d@example.com", strings.ToLower(first), strings.ToLower(last), k)
		for s.db.contactByEmail(email) != nil {
			email = "x" + email
		}
		c, err := s.seedContact(Contact{
			Status:      seedStatuses[k%int64(len(seedStatuses))],
			Email:       email,
			FirstName:   first,
			LastName:    last,
			Address:     Address{City: seedCities[k%int64(len(seedCities))]},
			MobilePhone: fmt.Sprintf("+1 555 %04d", k%10000),
		})
		if err != nil {
			break // unreachable: the ID is free and the email unique
		}
		out = append(out, c)
	}
	return out
}

// SeedCompany stores a company directly. A zero ID is assigned, an empty
// Status gets the default status, zero times get the clock.
func (s *Server) SeedCompany(c Company) (Company, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c = cloneCompany(c)
	if c.ID != 0 && s.db.company(c.ID) != nil {
		return Company{}, fmt.Errorf("%w: company %d exists", ErrSeedConflict, c.ID)
	}
	if c.Email != "" && s.db.companyByEmail(c.Email) != nil {
		return Company{}, fmt.Errorf("%w: company email %q exists", ErrSeedConflict, c.Email)
	}
	if !assignID(&c.ID, &s.db.nextCompany) {
		return Company{}, fmt.Errorf("%w: invalid company ID %d", ErrSeedConflict, c.ID)
	}
	if c.Status == "" {
		c.Status = s.cfg.defaultStatus
	}
	c.Created, c.LastUpdated = s.seedTimes(c.Created, c.LastUpdated)
	c.Tags = s.db.attachTags(objTypeCompany, c.Tags, c.Created)
	stored := cloneCompany(c)
	s.db.companies = insertSorted(s.db.companies, &stored, companyID)
	return c, nil
}

// SeedTransaction stores a transaction directly. A zero ID is assigned and
// zero Created/LastUpdated get the clock. Set FromAPI to let
// create_transaction upsert it by OrderID.
func (s *Server) SeedTransaction(t Transaction) (Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t = cloneTransaction(t)
	if t.ID != 0 && findByID(s.db.transactions, t.ID, transactionID) != nil {
		return Transaction{}, fmt.Errorf("%w: transaction %d exists", ErrSeedConflict, t.ID)
	}
	if t.OrderID != "" && s.db.transactionByRef(t.OrderID) != nil {
		return Transaction{}, fmt.Errorf("%w: order ID %q exists", ErrSeedConflict, t.OrderID)
	}
	if !assignID(&t.ID, &s.db.nextTransaction) {
		return Transaction{}, fmt.Errorf("%w: invalid transaction ID %d", ErrSeedConflict, t.ID)
	}
	t.Created, t.LastUpdated = s.seedTimes(t.Created, t.LastUpdated)
	s.seedLineItems(t.LineItems, t.Created)
	stored := cloneTransaction(t)
	s.db.transactions = insertSorted(s.db.transactions, &stored, transactionID)
	return t, nil
}

// SeedEvent stores an event directly. A zero ID is assigned, reminders get
// IDs, zero times get the clock.
func (s *Server) SeedEvent(e Event) (Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e = cloneEvent(e)
	if e.ID != 0 && s.db.event(e.ID) != nil {
		return Event{}, fmt.Errorf("%w: event %d exists", ErrSeedConflict, e.ID)
	}
	if !assignID(&e.ID, &s.db.nextEvent) {
		return Event{}, fmt.Errorf("%w: invalid event ID %d", ErrSeedConflict, e.ID)
	}
	e.Created, e.LastUpdated = s.seedTimes(e.Created, e.LastUpdated)
	for i := range e.Reminders {
		r := &e.Reminders[i]
		assignID(&r.ID, &s.db.nextReminder)
		if r.Created.IsZero() {
			r.Created = e.Created
		}
		if r.LastUpdated.IsZero() {
			r.LastUpdated = r.Created
		}
	}
	stored := cloneEvent(e)
	s.db.events = insertSorted(s.db.events, &stored, eventID)
	return e, nil
}

// SeedQuote stores a quote (the API cannot create quotes). A zero ID is
// assigned, an empty Hash is generated, a zero Status is [QuoteDraft], zero
// times get the clock, line items get IDs and orders.
func (s *Server) SeedQuote(q Quote) (Quote, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q = cloneQuote(q)
	if q.ID != 0 && findByID(s.db.quotes, q.ID, quoteID) != nil {
		return Quote{}, fmt.Errorf("%w: quote %d exists", ErrSeedConflict, q.ID)
	}
	if !assignID(&q.ID, &s.db.nextQuote) {
		return Quote{}, fmt.Errorf("%w: invalid quote ID %d", ErrSeedConflict, q.ID)
	}
	if q.Hash == "" {
		q.Hash = s.portalHash()
	}
	if q.Status == 0 {
		q.Status = QuoteDraft
	}
	q.Created, q.LastUpdated = s.seedTimes(q.Created, q.LastUpdated)
	s.seedLineItems(q.LineItems, q.Created)
	stored := cloneQuote(q)
	s.db.quotes = insertSorted(s.db.quotes, &stored, quoteID)
	return q, nil
}

// SeedInvoice stores an invoice (the API cannot create invoices). A zero ID
// is assigned, an empty Hash is generated, an empty Status is "Draft", zero
// times get the clock, line items get IDs and orders.
func (s *Server) SeedInvoice(inv Invoice) (Invoice, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv = cloneInvoice(inv)
	if inv.ID != 0 && findByID(s.db.invoices, inv.ID, invoiceID) != nil {
		return Invoice{}, fmt.Errorf("%w: invoice %d exists", ErrSeedConflict, inv.ID)
	}
	if !assignID(&inv.ID, &s.db.nextInvoice) {
		return Invoice{}, fmt.Errorf("%w: invalid invoice ID %d", ErrSeedConflict, inv.ID)
	}
	if inv.Hash == "" {
		inv.Hash = s.portalHash()
	}
	if inv.Status == "" {
		inv.Status = "Draft"
	}
	inv.Created, inv.LastUpdated = s.seedTimes(inv.Created, inv.LastUpdated)
	s.seedLineItems(inv.LineItems, inv.Created)
	stored := cloneInvoice(inv)
	s.db.invoices = insertSorted(s.db.invoices, &stored, invoiceID)
	return inv, nil
}

// seedTimes fills zero created/updated times from the clock.
func (s *Server) seedTimes(created, updated time.Time) (time.Time, time.Time) {
	if created.IsZero() {
		created = s.now()
	}
	if updated.IsZero() {
		updated = created
	}
	return created, updated
}

// seedLineItems gives line items IDs, orders and times.
func (s *Server) seedLineItems(items []LineItem, created time.Time) {
	for i := range items {
		li := &items[i]
		assignID(&li.ID, &s.db.nextLineItem)
		if li.Order == 0 {
			li.Order = int64(i + 1)
		}
		if li.Created.IsZero() {
			li.Created = created
		}
		if li.LastUpdated.IsZero() {
			li.LastUpdated = li.Created
		}
	}
}

// portalHash generates a 19-character portal hash from the seeded source.
func (s *Server) portalHash() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 19)
	for i := range b {
		b[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	return string(b)
}
