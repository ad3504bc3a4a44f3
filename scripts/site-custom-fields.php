<?php
/**
 * site-custom-fields.php: defines the custom fields the SDK's real-site tests
 * use (internal/realsite.CustomFields), on one Jetpack CRM site, the way the
 * CRM's own settings page (CRM > Settings > Custom Fields, "Save") does:
 * the fields already listed there are kept, ours are appended when their slug
 * is missing, and every listed field of the object types saved is made
 * active (the page activates what it lists). Idempotent; never removes a
 * field. Run by scripts/site-custom-fields, which sets the environment as
 * setup.sh does for wp-setup.php (JCRM_HOSTPORT, JCRM_WPCONFIG).
 *
 * Arguments: OBJECT:TYPE:NAME ... with OBJECT one of customers, companies,
 * transactions (the settings page's keys), e.g. customers:text:SDK Text.
 */

$hostport = getenv( 'JCRM_HOSTPORT' ) ?: '127.0.0.1:8080';
$_SERVER['HTTP_HOST']       = $hostport;
$_SERVER['SERVER_NAME']     = preg_replace( '/:.*/', '', $hostport );
$_SERVER['SERVER_PORT']     = preg_match( '/:(\d+)$/', $hostport, $m ) ? $m[1] : '80';
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';
if ( getenv( 'JCRM_WPCONFIG' ) ) {
	$_SERVER['WORDPRESS_CONFIG'] = getenv( 'JCRM_WPCONFIG' );
}
require '/usr/share/wordpress/wp-load.php';

global $zbs;
$types = array(
	'customers'    => ZBS_TYPE_CONTACT,
	'companies'    => ZBS_TYPE_COMPANY,
	'transactions' => ZBS_TYPE_TRANSACTION,
);
$fields = $zbs->settings->get( 'customfields' );
if ( ! is_array( $fields ) ) {
	$fields = array();
}
$touched = array();
foreach ( array_slice( $argv, 1 ) as $spec ) {
	list( $obj, $type, $name ) = array_pad( explode( ':', $spec, 3 ), 3, '' );
	if ( ! isset( $types[ $obj ] ) || ! in_array( $type, zeroBSCRM_customfields_acceptableCFTypes(), true ) || $name === '' ) {
		fwrite( STDERR, "site-custom-fields.php: bad field $spec\n" );
		exit( 2 );
	}
	if ( ! isset( $fields[ $obj ] ) || ! is_array( $fields[ $obj ] ) ) {
		$fields[ $obj ] = array();
	}
	$slug = $zbs->DAL->makeSlug( $name );
	$have = false;
	foreach ( $fields[ $obj ] as $i => $f ) {
		// rows saved before 2.77 have no slug: the page derives it from the name
		if ( ! isset( $f[3] ) ) {
			$fields[ $obj ][ $i ][3] = $zbs->DAL->makeSlug( $f[1] );
		}
		$have = $have || $fields[ $obj ][ $i ][3] === $slug;
	}
	if ( ! $have ) {
		$fields[ $obj ][] = array( $type, $name, '', $slug );
		echo "added $obj custom field $slug ($type)\n";
	} else {
		echo "kept $obj custom field $slug\n";
	}
	$touched[ $obj ] = true;
}
foreach ( array_keys( $touched ) as $obj ) {
	$active = array();
	foreach ( $fields[ $obj ] as $f ) {
		$active[ $f[3] ] = $f;
	}
	$zbs->DAL->updateActiveCustomFields( array( 'objtypeid' => $types[ $obj ], 'fields' => $active ) );
	echo "active $obj custom fields: " . implode( ', ', array_keys( $active ) ) . "\n";
}
$zbs->settings->update( 'customfields', $fields );
