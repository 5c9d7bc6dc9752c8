package dashboard

import (
	"net/http"

	"github.com/meetd/meetd/clientip"
)

// clientIP is the client's address, read the way the API reads it: the
// peer, or what a trusted proxy says.
func (d *Dashboard) clientIP(r *http.Request) string {
	return clientip.Proxies(d.cfg.TrustedProxies).IP(r)
}

// secure reports whether r arrived over TLS, directly or through a trusted
// proxy that says so.
func (d *Dashboard) secure(r *http.Request) bool {
	return clientip.Proxies(d.cfg.TrustedProxies).Secure(r)
}
