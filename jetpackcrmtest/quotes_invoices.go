package jetpackcrmtest

import "net/http"

// quotesList is GET /zbs_api/quotes: newest first (6.5.0 on: unless
// order=ASC), "content" suppressed.
func (s *Server) quotesList(req *apiRequest) *response {
	page, perPage := queryPaging(req)
	out := []any{}
	for _, q := range paginate(inOrder(s.db.quotes, newestFirst(req, true)), page, perPage) {
		out = append(out, s.quoteObject(q, false))
	}
	return jsonReply(http.StatusOK, out)
}

// invoicesList is GET /zbs_api/invoices, ID ascending (6.5.0 on: newest
// first unless order=ASC).
func (s *Server) invoicesList(req *apiRequest) *response {
	page, perPage := queryPaging(req)
	out := []any{}
	for _, inv := range paginate(inOrder(s.db.invoices, newestFirst(req, false)), page, perPage) {
		out = append(out, s.invoiceObject(inv))
	}
	return jsonReply(http.StatusOK, out)
}

// quoteObject is the quote shape (tidy_quote); the quotes endpoint drops
// "content", the embeds in customers and companies keep it.
func (s *Server) quoteObject(q *Quote, withContent bool) *object {
	var value any
	if q.Value != "" {
		value = money(q.Value)
	}
	status := q.Status
	if status == 0 {
		status = QuoteDraft
	}
	accepted := unix(q.Accepted)
	o := newObject().
		set("id", itoa(q.ID)).
		set("owner", itoa(q.Owner)).
		set("id_override", q.IDOverride).
		set("title", q.Title).
		set("currency", q.Currency).
		set("value", value).
		set("date", unix(q.Date)).
		set("date_date", dateOrFalse(q.Date, layoutMDY)).
		set("template", q.Template)
	if withContent {
		o.set("content", q.Content)
	}
	return o.
		set("notes", q.Notes).
		set("send_attachments", q.SendAttachments).
		set("hash", q.Hash).
		set("lastviewed", unix(q.LastViewed)).
		set("lastviewed_date", dateOrFalse(q.LastViewed, layoutMDY)).
		set("viewed_count", q.ViewedCount).
		set("accepted", accepted).
		set("accepted_date", dateOrFalse(q.Accepted, layoutMDY)).
		set("acceptedsigned", accepted). // the plugin copies "accepted" here
		set("acceptedip", accepted).     // and here
		set("created", unix(q.Created)).
		set("created_date", dateOrFalse(q.Created, layoutMDY)).
		set("lastupdated", unix(q.LastUpdated)).
		set("lastupdated_date", dateOrFalse(q.LastUpdated, layoutMDY)).
		set("status", status).
		set("lineitems", s.lineItemList(q.LineItems, q.Owner))
}

// invoiceObject is the invoice shape (tidy_invoice) with its line items.
func (s *Server) invoiceObject(inv *Invoice) *object {
	status := inv.Status
	if status == "" {
		status = "Draft"
	}
	hours := inv.HoursOrQuantity
	if hours == "" {
		hours = "1"
	}
	return newObject().
		set("id", itoa(inv.ID)).
		set("owner", itoa(inv.Owner)).
		set("id_override", inv.IDOverride).
		set("parent", inv.Parent).
		set("status", status).
		set("status_label", status).
		set("hash", inv.Hash).
		set("pdf_template", inv.PDFTemplate).
		set("portal_template", inv.PortalTemplate).
		set("email_template", inv.EmailTemplate).
		set("invoice_frequency", inv.Frequency).
		set("currency", inv.Currency).
		set("pay_via", inv.PayVia).
		set("logo_url", inv.LogoURL).
		set("address_to_objtype", inv.AddressToObjType).
		set("addressed_from", inv.AddressedFrom).
		set("addressed_to", inv.AddressedTo).
		set("allow_partial", inv.AllowPartial).
		set("allow_tip", inv.AllowTip).
		set("send_attachments", inv.SendAttachments).
		set("hours_or_quantity", hours).
		set("date", unix(inv.Date)).
		set("date_date", dateOrFalse(inv.Date, layoutLong)).
		set("due_date", unix(inv.DueDate)).
		set("due_date_date", dateOrFalse(inv.DueDate, layoutLong)).
		set("paid_date", unix(inv.PaidDate)).
		set("paid_date_date", dateOrFalse(inv.PaidDate, layoutLong)).
		set("hash_viewed", unix(inv.HashViewed)).
		set("hash_viewed_date", dateOrFalse(inv.HashViewed, layoutYmdHis)).
		set("hash_viewed_count", inv.HashViewedCount).
		set("portal_viewed", unix(inv.PortalViewed)).
		set("portal_viewed_date", dateOrFalse(inv.PortalViewed, layoutYmdHis)).
		set("portal_viewed_count", inv.PortalViewedCount).
		set("net", moneyOrZero(inv.Net)).
		set("discount", moneyOrZero(inv.Discount)).
		set("discount_type", inv.DiscountType).
		set("shipping", moneyOrZero(inv.Shipping)).
		set("shipping_taxes", inv.ShippingTaxes).
		set("shipping_tax", moneyOrZero(inv.ShippingTax)).
		set("taxes", inv.Taxes).
		set("tax", moneyOrZero(inv.Tax)).
		set("total", moneyOrZero(inv.Total)).
		set("created", unix(inv.Created)).
		set("created_date", dateOrFalse(inv.Created, layoutYmdHis)).
		set("lastupdated", unix(inv.LastUpdated)).
		set("lastupdated_date", dateOrFalse(inv.LastUpdated, layoutYmdHis)).
		set("lineitems", s.lineItemList(inv.LineItems, inv.Owner))
}

// lineItemList is a "lineitems" array (tidy_lineitem); a line item without
// an owner shows its parent's.
func (s *Server) lineItemList(items []LineItem, parentOwner int64) []any {
	out := []any{}
	for _, li := range items {
		owner := li.Owner
		if owner == 0 {
			owner = parentOwner
		}
		out = append(out, newObject().
			set("id", itoa(li.ID)).
			set("owner", itoa(owner)).
			set("order", li.Order).
			set("title", li.Title).
			set("desc", li.Description).
			set("quantity", quantity(li.Quantity)).
			set("price", moneyOrZero(li.Price)).
			set("currency", li.Currency).
			set("net", moneyOrZero(li.Net)).
			set("discount", moneyOrZero(li.Discount)).
			set("fee", moneyOrZero(li.Fee)).
			set("shipping", moneyOrZero(li.Shipping)).
			set("shipping_taxes", li.ShippingTaxes).
			set("shipping_tax", moneyOrZero(li.ShippingTax)).
			set("taxes", li.Taxes).
			set("tax", moneyOrZero(li.Tax)).
			set("total", moneyOrZero(li.Total)).
			set("created", unix(li.Created)).
			set("created_date", dateOrFalse(li.Created, layoutYmdHis)).
			set("lastupdated", unix(li.LastUpdated)).
			set("lastupdated_date", dateOrFalse(li.LastUpdated, layoutYmdHis)))
	}
	return out
}
