package mailtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
)

// Part is one leaf of a parsed message, its transfer encoding undone.
type Part struct {
	// Path is the content types from the root down to the leaf, such as
	// "multipart/mixed/multipart/alternative/text/plain".
	Path        string
	ContentType string
	Params      map[string]string // of the Content-Type
	Disposition string            // "attachment", "inline" or ""
	Body        string
}

// Parse reads a message as the server received it into its header and
// its leaves, in order. Quoted-printable bodies are decoded by
// mime/multipart, base64 ones here.
func Parse(data []byte) (netmail.Header, []Part, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, nil, fmt.Errorf("mailtest: reading the message: %w", err)
	}
	var leaves []Part
	var walk func(path string, h map[string][]string, body io.Reader) error
	walk = func(path string, h map[string][]string, body io.Reader) error {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		ct, params, err := mime.ParseMediaType(get("Content-Type"))
		if err != nil {
			return fmt.Errorf("mailtest: %s: Content-Type %q: %w", path, get("Content-Type"), err)
		}
		path += "/" + ct
		if strings.HasPrefix(ct, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					return nil
				} else if err != nil {
					return fmt.Errorf("mailtest: %s: %w", path, err)
				}
				if err := walk(path, p.Header, p); err != nil {
					return err
				}
			}
		}
		b, err := io.ReadAll(body)
		if err != nil {
			return fmt.Errorf("mailtest: %s: %w", path, err)
		}
		if strings.EqualFold(get("Content-Transfer-Encoding"), "base64") {
			if b, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), "")); err != nil {
				return fmt.Errorf("mailtest: %s: base64: %w", path, err)
			}
		}
		disp, _, _ := mime.ParseMediaType(get("Content-Disposition"))
		leaves = append(leaves, Part{Path: strings.TrimPrefix(path, "/"), ContentType: ct, Params: params,
			Disposition: disp, Body: string(b)})
		return nil
	}
	if err := walk("", msg.Header, msg.Body); err != nil {
		return nil, nil, err
	}
	return msg.Header, leaves, nil
}

// Find returns the leaf at path, or false.
func Find(parts []Part, path string) (Part, bool) {
	for _, p := range parts {
		if p.Path == path {
			return p, true
		}
	}
	return Part{}, false
}
