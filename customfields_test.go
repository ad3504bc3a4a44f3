package jetpackcrm_test

// The check of custom-field slugs: the site drops a custom field it does
// not define without a word (and echoes it back as if stored), so the SDK
// learns the defined slugs from the site and refuses the others before
// writing.

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

func TestCustomFieldSlugsAreLearntFromTheSite(t *testing.T) {
	t.Parallel()
	f := setupFake(t, []jetpackcrmtest.Option{jetpackcrmtest.WithContactCustomFields("membership-level", "addr_house-name")}, jetpackcrm.WithoutRetries())
	c := f.client
	f.srv.SeedContacts(3)
	ctx := context.Background()
	slugs, err := c.CustomFieldSlugs(ctx, jetpackcrm.ObjectContact)
	require.NoError(t, err)
	assert.Equal(t, []string{"addr_house-name", "membership-level"}, slugs)
	_, err = c.CustomFieldSlugs(ctx, jetpackcrm.ObjectContact)
	require.NoError(t, err)
	assert.Equal(t, 1, f.calls("customers"), "cached per Client")

	_, err = c.CustomFieldSlugs(ctx, jetpackcrm.ObjectType(42))
	assert.ErrorIs(t, err, jetpackcrm.ErrInvalidInput)
}

func TestUnknownCustomFieldsAreRefusedBeforeWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setupFake(t, []jetpackcrmtest.Option{jetpackcrmtest.WithContactCustomFields("membership-level")}, jetpackcrm.WithoutRetries())
	c := f.client
	f.srv.SeedContacts(1)

	_, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "ada@example.com", CustomFields: map[string]string{"membership-level": "gold"}})
	require.NoError(t, err)
	ada, ok := f.srv.ContactByEmail("ada@example.com")
	require.True(t, ok)
	assert.Equal(t, "gold", ada.CustomFields["membership-level"])

	writes := f.calls("create_customer")
	for name, write := range map[string]func() error{
		"Create": func() error {
			_, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "bob@example.com", CustomFields: map[string]string{"membership-level": "gold", "nickname": "Bobby"}})
			return err
		},
		"Update": func() error {
			_, _, err := c.Customers.Update(ctx, "ada@example.com", &jetpackcrm.CustomerRequest{CustomFields: map[string]string{"nickname": "Ada"}})
			return err
		},
		"UpsertMany": func() error {
			res, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{{Email: "bob@example.com", CustomFields: map[string]string{"nickname": "Bobby"}}}, jetpackcrm.BulkOptions{})
			require.NoError(t, err)
			return res[0].Err
		},
		"UpsertMany merge": func() error {
			res, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{{Email: "ada@example.com", CustomFields: map[string]string{"nickname": "Ada"}}}, jetpackcrm.BulkOptions{Merge: true})
			require.NoError(t, err)
			return res[0].Err
		},
	} {
		err := write()
		var ve *jetpackcrm.ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, `CustomFields["nickname"]`, ve.Field, name)
		assert.Contains(t, ve.Error(), "drop the value silently", name)
		assert.Contains(t, ve.Error(), "membership-level", "%s: the message lists the site's fields", name)
	}
	assert.Equal(t, writes, f.calls("create_customer"), "nothing was written")
	assert.Equal(t, 1, f.calls("customers"), "the slugs were read once (and are not read again for a minute)")
	_, found := f.srv.ContactByEmail("bob@example.com")
	assert.False(t, found)
}

func TestCustomFieldsOfAnEmptySiteCannotBeChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setupFake(t, []jetpackcrmtest.Option{jetpackcrmtest.WithContactCustomFields("membership-level")}, jetpackcrm.WithoutRetries())
	c := f.client
	_, err := c.CustomFieldSlugs(ctx, jetpackcrm.ObjectContact)
	require.ErrorIs(t, err, jetpackcrm.ErrCustomFieldsUnknown)

	_, _, err = c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "ada@example.com", CustomFields: map[string]string{"membership-level": "gold"}})
	require.ErrorIs(t, err, jetpackcrm.ErrInvalidInput)
	assert.Contains(t, err.Error(), "no contact yet")
	assert.Contains(t, err.Error(), "WithoutCustomFieldCheck")
	assert.Zero(t, f.calls("create_customer"))

	// Without custom fields nothing is read; once a contact exists the
	// slugs are learnt (an unknown answer is not cached).
	_, _, err = c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "ada@example.com"})
	require.NoError(t, err)
	_, _, err = c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "ada@example.com", CustomFields: map[string]string{"membership-level": "gold"}})
	require.NoError(t, err)

	// The opt-out sends what it is given.
	off, err := jetpackcrm.NewClient(f.srv.URL, f.srv.APIKey, f.srv.APISecret, jetpackcrm.WithoutCustomFieldCheck())
	require.NoError(t, err)
	_, _, err = off.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "bob@example.com", CustomFields: map[string]string{"nickname": "Bobby"}})
	require.NoError(t, err)
	bob, ok := f.srv.ContactByEmail("bob@example.com")
	require.True(t, ok)
	assert.Empty(t, bob.CustomFields["nickname"], "the site dropped it, as a real one does")
}
