// Package deploy holds how meetd is run outside `go run`: the container
// image (Containerfile, built by build-image.sh from a static binary), the
// systemd unit (meetd.service) and a compose file with PostgreSQL
// (compose.yaml). Its tests build the image and run the binary found in it,
// verify the unit and read the compose file.
package deploy
