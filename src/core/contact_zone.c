/*
 * contact_zone.c - the time zone a phone number places its owner in, when the
 * number says so without doubt: a North American area code whose whole area
 * keeps one zone, a +1 country of its own, or a country with one zone. Area
 * codes that straddle zones (Florida's 850, Oregon's 541, Indiana's 812, ...)
 * and countries with several (MX, BR, AU, RU, ES with the Canaries) say
 * nothing: the business's zone stands in. Pure tables: no I/O, no allocation.
 * Debian's libphonenumber 8.12 ships no time zone mapper, hence our own.
 */
#include <stddef.h>
#include <string.h>

#include "core/contact.h"

/* North American area codes by zone: every one listed lies wholly in it. */
static const struct {
	const char *zone;
	const char *npas;	/* space-separated */
} nanp[] = {
	{ "America/New_York",
	  "203 475 860 959 302 202 229 404 470 478 678 706 762 770 912 943 207 240 "
	  "301 410 443 667 339 351 413 508 617 774 781 857 978 603 201 551 609 640 "
	  "732 848 856 862 908 973 212 315 332 347 363 516 518 585 607 631 646 680 "
	  "716 718 838 845 914 917 929 934 252 336 472 704 743 828 910 919 980 984 "
	  "216 220 234 283 326 330 380 419 436 440 513 567 614 740 937 215 223 267 "
	  "272 412 445 484 570 582 610 717 724 814 835 878 401 803 839 843 854 864 "
	  "802 276 434 540 571 703 757 804 826 948 304 681 239 305 321 324 352 386 "
	  "407 561 645 656 689 727 728 754 772 786 813 863 904 941 954 502 859 606 "
	  "865" },
	{ "America/Detroit",
	  "231 248 269 313 517 586 616 679 734 810 947 989" },
	{ "America/Indiana/Indianapolis",
	  "260 317 463 765" },
	{ "America/Toronto",
	  "226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 905 438 "
	  "450 514 579 819 873" },
	{ "America/Chicago",
	  "205 251 256 334 659 938 327 479 501 870 217 224 309 312 331 447 464 618 "
	  "630 708 730 773 779 815 847 872 219 319 515 563 641 712 316 913 225 318 "
	  "337 504 985 218 320 507 612 651 763 952 228 601 662 769 314 417 557 573 "
	  "636 660 816 975 402 531 405 539 572 580 918 615 629 731 901 210 214 254 "
	  "281 325 346 361 409 430 469 512 682 713 726 737 806 817 830 832 903 936 "
	  "940 945 956 972 979 262 274 353 414 534 608 715 920" },
	{ "America/Winnipeg",
	  "204 431 584" },
	{ "America/Regina",
	  "306 474 639" },
	{ "America/Denver",
	  "303 719 720 970 983 505 575 385 435 801 307 406 915" },
	{ "America/Phoenix",
	  "480 520 602 623" },
	{ "America/Edmonton",
	  "368 403 587 780 825" },
	{ "America/Los_Angeles",
	  "209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 "
	  "628 650 657 661 669 707 714 747 760 805 818 820 831 840 858 909 916 925 "
	  "949 951 206 253 360 425 509 564 702 725 503 971" },
	{ "America/Vancouver",
	  "604" },
	{ "Pacific/Honolulu",
	  "808" },
	{ "America/Halifax",
	  "782 902" },
	{ "America/Moncton",
	  "428 506" },
};

/* Countries (ISO alpha-2) that keep one zone; +1 countries besides US, CA. */
static const struct {
	const char iso[3];
	const char *zone;
} countries[] = {
	{ "PR", "America/Puerto_Rico" }, { "VI", "America/St_Thomas" },
	{ "GU", "Pacific/Guam" }, { "MP", "Pacific/Saipan" }, { "AS", "Pacific/Pago_Pago" },
	{ "JM", "America/Jamaica" }, { "BS", "America/Nassau" }, { "BB", "America/Barbados" },
	{ "TT", "America/Port_of_Spain" }, { "DO", "America/Santo_Domingo" },
	{ "BM", "Atlantic/Bermuda" }, { "KY", "America/Cayman" }, { "AG", "America/Antigua" },
	{ "AI", "America/Anguilla" }, { "DM", "America/Dominica" }, { "GD", "America/Grenada" },
	{ "KN", "America/St_Kitts" }, { "LC", "America/St_Lucia" },
	{ "MS", "America/Montserrat" }, { "SX", "America/Lower_Princes" },
	{ "TC", "America/Grand_Turk" }, { "VC", "America/St_Vincent" },
	{ "VG", "America/Tortola" },
	{ "GB", "Europe/London" }, { "IE", "Europe/Dublin" }, { "FR", "Europe/Paris" },
	{ "DE", "Europe/Berlin" }, { "IT", "Europe/Rome" }, { "NL", "Europe/Amsterdam" },
	{ "BE", "Europe/Brussels" }, { "CH", "Europe/Zurich" }, { "AT", "Europe/Vienna" },
	{ "SE", "Europe/Stockholm" }, { "NO", "Europe/Oslo" }, { "DK", "Europe/Copenhagen" },
	{ "FI", "Europe/Helsinki" }, { "PL", "Europe/Warsaw" }, { "CZ", "Europe/Prague" },
	{ "SK", "Europe/Bratislava" }, { "HU", "Europe/Budapest" }, { "GR", "Europe/Athens" },
	{ "RO", "Europe/Bucharest" }, { "BG", "Europe/Sofia" }, { "IS", "Atlantic/Reykjavik" },
	{ "LU", "Europe/Luxembourg" }, { "MT", "Europe/Malta" }, { "EE", "Europe/Tallinn" },
	{ "LV", "Europe/Riga" }, { "LT", "Europe/Vilnius" }, { "HR", "Europe/Zagreb" },
	{ "SI", "Europe/Ljubljana" }, { "RS", "Europe/Belgrade" }, { "IL", "Asia/Jerusalem" },
	{ "AE", "Asia/Dubai" }, { "SA", "Asia/Riyadh" }, { "QA", "Asia/Qatar" },
	{ "IN", "Asia/Kolkata" }, { "PK", "Asia/Karachi" }, { "JP", "Asia/Tokyo" },
	{ "KR", "Asia/Seoul" }, { "CN", "Asia/Shanghai" }, { "HK", "Asia/Hong_Kong" },
	{ "SG", "Asia/Singapore" }, { "TW", "Asia/Taipei" }, { "PH", "Asia/Manila" },
	{ "TH", "Asia/Bangkok" }, { "VN", "Asia/Ho_Chi_Minh" }, { "NZ", "Pacific/Auckland" },
	{ "ZA", "Africa/Johannesburg" }, { "NG", "Africa/Lagos" }, { "KE", "Africa/Nairobi" },
	{ "EG", "Africa/Cairo" }, { "CO", "America/Bogota" }, { "PE", "America/Lima" },
	{ "VE", "America/Caracas" }, { "UY", "America/Montevideo" },
	{ "CR", "America/Costa_Rica" }, { "PA", "America/Panama" },
	{ "GT", "America/Guatemala" }, { "SV", "America/El_Salvador" },
	{ "HN", "America/Tegucigalpa" }, { "NI", "America/Managua" },
	{ "BO", "America/La_Paz" }, { "PY", "America/Asuncion" },
	{ "AR", "America/Argentina/Buenos_Aires" },
};

/* Zones a person may set on a lead besides the ones above: the main zones
 * of the countries no number places for certain. */
static const char *const more_zones[] = {
	"America/Anchorage", "America/Boise", "America/St_Johns", "America/Indiana/Knox",
	"America/Kentucky/Louisville", "America/Menominee", "America/Mexico_City",
	"America/Cancun", "America/Tijuana", "America/Monterrey", "America/Chihuahua",
	"America/Sao_Paulo", "America/Manaus", "America/Santiago", "America/Guayaquil",
	"Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane", "Australia/Adelaide",
	"Australia/Perth", "Australia/Hobart", "Australia/Darwin", "Europe/Lisbon",
	"Atlantic/Azores", "Europe/Madrid", "Atlantic/Canary", "Europe/Moscow",
	"Asia/Jakarta", "Europe/Kyiv", "Europe/Istanbul", "UTC",
};

#define N(a) (sizeof (a) / sizeof (a)[0])

/* Whether the 3 digits at npa are one of the space-separated codes. */
static int
listed(const char *codes, const char *npa)
{
	for (const char *p = codes; *p; p += p[3] ? 4 : 3)
		if (strncmp(p, npa, 3) == 0)
			return 1;
	return 0;
}

const char *
contact_phone_zone(const char *e164)
{
	const char *iso = contact_phone_region(e164);

	if (iso == NULL)
		return NULL;
	if (strcmp(iso, "US") == 0 || strcmp(iso, "CA") == 0) {
		for (size_t i = 0; i < N(nanp); i++)
			if (listed(nanp[i].npas, e164 + 2))
				return nanp[i].zone;
		return NULL;
	}
	for (size_t i = 0; i < N(countries); i++)
		if (strcmp(countries[i].iso, iso) == 0)
			return countries[i].zone;
	return NULL;
}

size_t
contact_zone_count(void)
{
	return N(nanp) + N(countries) + N(more_zones);
}

const char *
contact_zone_name(size_t i)
{
	if (i < N(nanp))
		return nanp[i].zone;
	i -= N(nanp);
	if (i < N(countries))
		return countries[i].zone;
	i -= N(countries);
	return i < N(more_zones) ? more_zones[i] : NULL;
}
