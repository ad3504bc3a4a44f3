package jetpackcrmtest

import "time"

// The record types below are the fake's own view of its data. They are what
// the Seed* methods take and what the read accessors (Contacts, Events, ...)
// return. They are plain values: every accessor returns a deep copy, so a
// test can keep or modify them freely.
//
// Times are UTC. A zero time.Time means "unset" and is written the way the
// real API writes an unset timestamp (0, -1 or false, depending on the
// field). Money is a decimal string; it is written with two decimals.

// Address is a postal address of a contact or company.
type Address struct {
	Line1    string
	Line2    string
	City     string
	County   string
	Postcode string
	Country  string
}

// Contact is a CRM contact ("customer" in the API).
type Contact struct {
	// ID is assigned by the fake when zero.
	ID int64
	// Owner is the WordPress user ID of the assigned owner; -1 when unassigned.
	Owner            int64
	Status           string
	Email            string
	Prefix           string
	FirstName        string
	LastName         string
	Address          Address
	SecondaryAddress Address
	HomePhone        string
	WorkPhone        string
	MobilePhone      string
	// WPID is the linked WordPress user ID; -1 when none.
	WPID     int64
	Avatar   string
	Twitter  string
	LinkedIn string
	Facebook string
	// CompanyID links the contact to a company (0: none). The API cannot set
	// it; seed it.
	CompanyID int64
	// Tags holds tag names, in the order they were first attached.
	Tags []string
	// CustomFields holds values of the slugs registered with
	// WithContactCustomFields; other keys are ignored.
	CustomFields  map[string]string
	Created       time.Time
	LastUpdated   time.Time
	LastContacted time.Time
}

// Company is a CRM company.
type Company struct {
	// ID is assigned by the fake when zero.
	ID int64
	// Owner is the WordPress user ID of the owner; 0 when unassigned.
	Owner            int64
	Status           string
	Name             string
	Email            string
	Address          Address
	SecondaryAddress Address
	MainPhone        string
	SecondaryPhone   string
	// WPID is the linked WordPress user ID; 0 when none.
	WPID     int64
	Avatar   string
	Twitter  string
	LinkedIn string
	Facebook string
	Tags     []string
	// CustomFields holds values of the slugs registered with
	// WithCompanyCustomFields; other keys are ignored.
	CustomFields  map[string]string
	Created       time.Time
	LastUpdated   time.Time
	LastContacted time.Time
}

// Transaction is a CRM transaction.
type Transaction struct {
	// ID is assigned by the fake when zero.
	ID int64
	// Owner is the WordPress user ID of the owner; 0 when unassigned.
	Owner int64
	// OrderID is the external reference ("orderid" in requests, "ref" in replies).
	OrderID     string
	Status      string
	Type        string
	Origin      string
	Parent      int64
	Hash        string
	Title       string
	Description string
	// Date is the transaction date; zero is written as 0.
	Date          time.Time
	CustomerIP    string
	Currency      string
	Net           string
	Fee           string
	Discount      string
	Shipping      string
	ShippingTaxes string
	ShippingTax   string
	Taxes         string
	Tax           string
	Total         string
	DatePaid      time.Time
	DateCompleted time.Time
	// ContactID and CompanyID link the transaction (0: none).
	ContactID int64
	CompanyID int64
	LineItems []LineItem
	// CustomFields holds values of the slugs registered with
	// WithTransactionCustomFields; other keys are ignored.
	CustomFields map[string]string
	// FromAPI marks a transaction created through create_transaction: only
	// those are upserted by OrderID. A seeded transaction sharing an order ID
	// makes create_transaction fail with {"error":100}, as on a real site.
	FromAPI     bool
	Created     time.Time
	LastUpdated time.Time
}

// Event is a CRM task ("event" in the API).
type Event struct {
	// ID is assigned by the fake when zero.
	ID int64
	// Owner is the WordPress user ID of the owner; 0 when unassigned.
	Owner          int64
	Title          string
	Description    string
	Start          time.Time
	End            time.Time
	Complete       bool
	ShowOnPortal   bool
	ShowOnCalendar bool
	// ContactID and CompanyID link the event (0: none).
	ContactID   int64
	CompanyID   int64
	Reminders   []Reminder
	Created     time.Time
	LastUpdated time.Time
}

// Reminder is a reminder attached to an event.
type Reminder struct {
	ID    int64
	Owner int64
	// RemindAt is the offset from the event start, e.g. -24h.
	RemindAt time.Duration
	// Sent is when the reminder was sent; zero means not yet (written as -1).
	Sent        time.Time
	Created     time.Time
	LastUpdated time.Time
}

// [Quote] status values, as the API writes them.
const (
	// QuoteDraft is a draft or unpublished quote. A zero Status is seeded as QuoteDraft.
	QuoteDraft = -1
	// QuotePublished is a published quote that is not accepted yet.
	QuotePublished = -2
	// QuoteAccepted is an accepted quote.
	QuoteAccepted = 1
)

// Quote is a CRM quote. The API cannot create quotes; seed them.
type Quote struct {
	// ID is assigned by the fake when zero.
	ID              int64
	Owner           int64
	IDOverride      string
	Title           string
	Currency        string
	Value           string
	Date            time.Time
	Template        int64
	Content         string
	Notes           string
	SendAttachments bool
	// Hash is the portal access hash; generated when empty.
	Hash        string
	LastViewed  time.Time
	ViewedCount int64
	Accepted    time.Time
	// Status is QuoteDraft, QuotePublished or QuoteAccepted; 0 means QuoteDraft.
	Status int
	// ContactID and CompanyID link the quote (0: none).
	ContactID   int64
	CompanyID   int64
	LineItems   []LineItem
	Created     time.Time
	LastUpdated time.Time
}

// Invoice is a CRM invoice. The API cannot create invoices; seed them.
type Invoice struct {
	// ID is assigned by the fake when zero.
	ID    int64
	Owner int64
	// IDOverride is the human reference, e.g. "INV-0001".
	IDOverride string
	Parent     int64
	// Status is e.g. "Draft", "Unpaid", "Paid", "Overdue"; empty means "Draft".
	Status string
	// Hash is the portal access hash; generated when empty.
	Hash              string
	PDFTemplate       string
	PortalTemplate    string
	EmailTemplate     string
	Frequency         int64
	Currency          string
	PayVia            int64
	LogoURL           string
	AddressToObjType  int64
	AddressedFrom     string
	AddressedTo       string
	AllowPartial      bool
	AllowTip          bool
	SendAttachments   bool
	HoursOrQuantity   string
	Date              time.Time
	DueDate           time.Time
	PaidDate          time.Time
	HashViewed        time.Time
	HashViewedCount   int64
	PortalViewed      time.Time
	PortalViewedCount int64
	Net               string
	Discount          string
	DiscountType      string
	Shipping          string
	ShippingTaxes     string
	ShippingTax       string
	Taxes             string
	Tax               string
	Total             string
	// ContactID and CompanyID link the invoice (0: none).
	ContactID   int64
	CompanyID   int64
	LineItems   []LineItem
	Created     time.Time
	LastUpdated time.Time
}

// LineItem is a line of an invoice, quote or transaction.
type LineItem struct {
	// ID is assigned by the fake when zero.
	ID int64
	// Owner defaults to the owner of the parent object.
	Owner       int64
	Order       int64
	Title       string
	Description string
	// Quantity is a number written with %g, e.g. "2" or "1.5".
	Quantity      string
	Price         string
	Currency      string
	Net           string
	Discount      string
	Fee           string
	Shipping      string
	ShippingTaxes string
	ShippingTax   string
	Taxes         string
	Tax           string
	Total         string
	Created       time.Time
	LastUpdated   time.Time
}

// Tag is a tag known to the fake.
type Tag struct {
	ID int64
	// ObjectType is 1 for contacts, 2 for companies.
	ObjectType  int
	Name        string
	Slug        string
	Created     time.Time
	LastUpdated time.Time
}
