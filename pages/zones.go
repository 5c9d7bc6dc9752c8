package pages

// commonZones are the time zones the select offers without script; the
// script adds the browser's own, and any valid IANA name works in ?tz=.
var commonZones = []string{"UTC",
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Berlin", "Europe/Vienna", "Europe/Zurich",
	"Europe/Paris", "Europe/Amsterdam", "Europe/Brussels", "Europe/Madrid", "Europe/Rome", "Europe/Stockholm",
	"Europe/Warsaw", "Europe/Prague", "Europe/Athens", "Europe/Helsinki", "Europe/Istanbul", "Europe/Kyiv", "Europe/Moscow",
	"Africa/Lagos", "Africa/Johannesburg", "Africa/Cairo", "Africa/Nairobi",
	"Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Singapore", "Asia/Shanghai",
	"Asia/Hong_Kong", "Asia/Tokyo", "Asia/Seoul", "Australia/Perth", "Australia/Sydney", "Pacific/Auckland",
	"America/St_Johns", "America/Halifax", "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Bogota",
	"America/New_York", "America/Chicago", "America/Mexico_City", "America/Denver", "America/Phoenix",
	"America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu"}

// zones is the select's list: commonZones, with current first when it is
// not one of them.
func zones(current string) []string {
	for _, z := range commonZones {
		if z == current {
			return commonZones
		}
	}
	return append([]string{current}, commonZones...)
}
