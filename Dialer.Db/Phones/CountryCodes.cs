using System.Collections.Frozen;
using System.Globalization;

namespace Dialer.Db.Phones;

/// <summary>One ITU-T E.164 country calling code: its country, the valid lengths of the national
/// significant number, the national trunk prefix (dropped in international form) and the country's
/// IANA time zone when it has only one.</summary>
public sealed record CountryCode(int Code, string Country, int MinLength, int MaxLength, string? TrunkPrefix, string? TimeZone);

/// <summary>
/// Country calling codes other than +1 (NANP) and +86 (China), which have their own precise rules. Lengths
/// are national significant numbers (after the country code, without trunk prefix), as published in the
/// ITU-T E.164 national numbering plan notifications; E.164 caps the whole number at 15 digits.
/// </summary>
public static class CountryCodes
{
    // code country minLen-maxLen trunk zone ("-" = none; zone only where the country has one)
    private const string Table = """
        7 RU 10-10 8 -
        20 EG 8-10 0 Africa/Cairo
        27 ZA 9-9 0 Africa/Johannesburg
        30 GR 10-10 - Europe/Athens
        31 NL 9-9 0 Europe/Amsterdam
        32 BE 8-9 0 Europe/Brussels
        33 FR 9-9 0 Europe/Paris
        34 ES 9-9 - -
        36 HU 8-9 06 Europe/Budapest
        39 IT 6-11 - Europe/Rome
        40 RO 9-9 0 Europe/Bucharest
        41 CH 9-9 0 Europe/Zurich
        43 AT 4-13 0 Europe/Vienna
        44 GB 9-10 0 Europe/London
        45 DK 8-8 - Europe/Copenhagen
        46 SE 7-13 0 Europe/Stockholm
        47 NO 8-8 - Europe/Oslo
        48 PL 9-9 - Europe/Warsaw
        49 DE 6-13 0 Europe/Berlin
        51 PE 8-9 0 America/Lima
        52 MX 10-10 - -
        53 CU 6-8 0 America/Havana
        54 AR 10-11 0 America/Argentina/Buenos_Aires
        55 BR 10-11 0 -
        56 CL 9-9 - -
        57 CO 8-10 0 America/Bogota
        58 VE 10-10 0 America/Caracas
        60 MY 7-10 0 Asia/Kuala_Lumpur
        61 AU 9-9 0 -
        62 ID 7-12 0 -
        63 PH 8-10 0 Asia/Manila
        64 NZ 8-10 0 Pacific/Auckland
        65 SG 8-8 - Asia/Singapore
        66 TH 8-9 0 Asia/Bangkok
        81 JP 9-10 0 Asia/Tokyo
        82 KR 8-10 0 Asia/Seoul
        84 VN 9-10 0 Asia/Ho_Chi_Minh
        90 TR 10-10 0 Europe/Istanbul
        91 IN 10-10 0 Asia/Kolkata
        92 PK 9-10 0 Asia/Karachi
        93 AF 9-9 0 Asia/Kabul
        94 LK 9-9 0 Asia/Colombo
        95 MM 7-10 0 Asia/Yangon
        98 IR 10-10 0 Asia/Tehran
        211 SS 9-9 0 Africa/Juba
        212 MA 9-9 0 Africa/Casablanca
        213 DZ 8-9 0 Africa/Algiers
        216 TN 8-8 - Africa/Tunis
        218 LY 8-9 0 Africa/Tripoli
        220 GM 7-7 - Africa/Banjul
        221 SN 9-9 - Africa/Dakar
        222 MR 8-8 - Africa/Nouakchott
        223 ML 8-8 - Africa/Bamako
        224 GN 8-9 - Africa/Conakry
        225 CI 8-10 - Africa/Abidjan
        226 BF 8-8 - Africa/Ouagadougou
        227 NE 8-8 - Africa/Niamey
        228 TG 8-8 - Africa/Lome
        229 BJ 8-10 - Africa/Porto-Novo
        230 MU 7-8 - Indian/Mauritius
        231 LR 7-9 0 Africa/Monrovia
        232 SL 8-8 0 Africa/Freetown
        233 GH 9-9 0 Africa/Accra
        234 NG 8-10 0 Africa/Lagos
        235 TD 8-8 - Africa/Ndjamena
        236 CF 8-8 - Africa/Bangui
        237 CM 8-9 - Africa/Douala
        238 CV 7-7 - Atlantic/Cape_Verde
        239 ST 7-7 - Africa/Sao_Tome
        240 GQ 9-9 - Africa/Malabo
        241 GA 7-8 - Africa/Libreville
        242 CG 9-9 - Africa/Brazzaville
        243 CD 9-9 0 -
        244 AO 9-9 - Africa/Luanda
        245 GW 7-9 - Africa/Bissau
        246 IO 7-7 - Indian/Chagos
        248 SC 7-7 - Indian/Mahe
        249 SD 9-9 0 Africa/Khartoum
        250 RW 9-9 0 Africa/Kigali
        251 ET 9-9 0 Africa/Addis_Ababa
        252 SO 7-9 0 Africa/Mogadishu
        253 DJ 8-8 - Africa/Djibouti
        254 KE 9-10 0 Africa/Nairobi
        255 TZ 9-9 0 Africa/Dar_es_Salaam
        256 UG 9-9 0 Africa/Kampala
        257 BI 8-8 - Africa/Bujumbura
        258 MZ 8-9 - Africa/Maputo
        260 ZM 9-9 0 Africa/Lusaka
        261 MG 9-9 0 Indian/Antananarivo
        262 RE 9-9 0 -
        263 ZW 9-9 0 Africa/Harare
        264 NA 8-9 0 Africa/Windhoek
        265 MW 7-9 0 Africa/Blantyre
        266 LS 8-8 - Africa/Maseru
        267 BW 7-8 - Africa/Gaborone
        268 SZ 8-8 - Africa/Mbabane
        269 KM 7-7 - Indian/Comoro
        290 SH 4-5 - Atlantic/St_Helena
        291 ER 7-7 0 Africa/Asmara
        297 AW 7-7 - America/Aruba
        298 FO 6-6 - Atlantic/Faroe
        299 GL 6-6 - -
        350 GI 8-8 - Europe/Gibraltar
        351 PT 9-9 - -
        352 LU 4-11 - Europe/Luxembourg
        353 IE 7-9 0 Europe/Dublin
        354 IS 7-9 - Atlantic/Reykjavik
        355 AL 8-9 0 Europe/Tirane
        356 MT 8-8 - Europe/Malta
        357 CY 8-8 - Asia/Nicosia
        358 FI 5-12 0 Europe/Helsinki
        359 BG 8-9 0 Europe/Sofia
        370 LT 8-8 8 Europe/Vilnius
        371 LV 8-8 - Europe/Riga
        372 EE 7-8 - Europe/Tallinn
        373 MD 8-8 0 Europe/Chisinau
        374 AM 8-8 0 Asia/Yerevan
        375 BY 9-10 8 Europe/Minsk
        376 AD 6-9 - Europe/Andorra
        377 MC 8-9 - Europe/Monaco
        378 SM 6-10 - Europe/San_Marino
        380 UA 9-9 0 Europe/Kyiv
        381 RS 8-9 0 Europe/Belgrade
        382 ME 8-8 0 Europe/Podgorica
        383 XK 8-8 0 Europe/Belgrade
        385 HR 8-9 0 Europe/Zagreb
        386 SI 8-8 0 Europe/Ljubljana
        387 BA 8-8 0 Europe/Sarajevo
        389 MK 8-8 0 Europe/Skopje
        420 CZ 9-9 - Europe/Prague
        421 SK 9-9 0 Europe/Bratislava
        423 LI 7-9 - Europe/Vaduz
        500 FK 5-5 - Atlantic/Stanley
        501 BZ 7-7 - America/Belize
        502 GT 8-8 - America/Guatemala
        503 SV 8-8 - America/El_Salvador
        504 HN 8-8 - America/Tegucigalpa
        505 NI 8-8 - America/Managua
        506 CR 8-8 - America/Costa_Rica
        507 PA 7-8 - America/Panama
        508 PM 6-6 - America/Miquelon
        509 HT 8-8 - America/Port-au-Prince
        590 GP 9-9 0 America/Guadeloupe
        591 BO 8-8 0 America/La_Paz
        592 GY 7-7 - America/Guyana
        593 EC 8-9 0 -
        594 GF 9-9 0 America/Cayenne
        595 PY 9-9 0 America/Asuncion
        596 MQ 9-9 0 America/Martinique
        597 SR 6-7 - America/Paramaribo
        598 UY 8-8 0 America/Montevideo
        599 CW 7-7 - America/Curacao
        670 TL 7-8 - Asia/Dili
        673 BN 7-7 - Asia/Brunei
        674 NR 7-7 - Pacific/Nauru
        675 PG 7-8 - -
        676 TO 5-7 - Pacific/Tongatapu
        677 SB 5-7 - Pacific/Guadalcanal
        678 VU 5-7 - Pacific/Efate
        679 FJ 7-7 - Pacific/Fiji
        680 PW 7-7 - Pacific/Palau
        681 WF 6-6 - Pacific/Wallis
        682 CK 5-5 - Pacific/Rarotonga
        683 NU 4-4 - Pacific/Niue
        685 WS 5-7 - Pacific/Apia
        686 KI 5-8 - -
        687 NC 6-6 - Pacific/Noumea
        688 TV 5-6 - Pacific/Funafuti
        689 PF 8-8 - -
        690 TK 4-4 - Pacific/Fakaofo
        691 FM 7-7 - -
        692 MH 7-7 - Pacific/Majuro
        850 KP 8-10 0 Asia/Pyongyang
        852 HK 8-8 - Asia/Hong_Kong
        853 MO 8-8 - Asia/Macau
        855 KH 8-9 0 Asia/Phnom_Penh
        856 LA 8-10 0 Asia/Vientiane
        880 BD 10-10 0 Asia/Dhaka
        886 TW 8-9 0 Asia/Taipei
        960 MV 7-7 - Indian/Maldives
        961 LB 7-8 0 Asia/Beirut
        962 JO 8-9 0 Asia/Amman
        963 SY 8-9 0 Asia/Damascus
        964 IQ 8-10 0 Asia/Baghdad
        965 KW 8-8 - Asia/Kuwait
        966 SA 8-9 0 Asia/Riyadh
        967 YE 7-9 0 Asia/Aden
        968 OM 8-8 - Asia/Muscat
        970 PS 8-9 0 -
        971 AE 8-9 0 Asia/Dubai
        972 IL 8-9 0 Asia/Jerusalem
        973 BH 8-8 - Asia/Bahrain
        974 QA 8-8 - Asia/Qatar
        975 BT 7-8 - Asia/Thimphu
        976 MN 8-8 - -
        977 NP 8-10 0 Asia/Kathmandu
        992 TJ 9-9 - Asia/Dushanbe
        993 TM 8-8 8 Asia/Ashgabat
        994 AZ 9-9 0 Asia/Baku
        995 GE 9-9 0 Asia/Tbilisi
        996 KG 9-9 0 Asia/Bishkek
        998 UZ 9-9 - Asia/Tashkent
        """;

    private static readonly FrozenDictionary<int, CountryCode> ByCode;
    private static readonly FrozenDictionary<string, CountryCode> ByCountry;

    static CountryCodes()
    {
        var list = new List<CountryCode>();
        foreach (var line in Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split(' ');
            var lengths = f[2].Split('-');
            list.Add(new CountryCode(
                int.Parse(f[0], CultureInfo.InvariantCulture),
                f[1],
                int.Parse(lengths[0], CultureInfo.InvariantCulture),
                int.Parse(lengths[1], CultureInfo.InvariantCulture),
                f[3] == "-" ? null : f[3],
                f[4] == "-" ? null : f[4]));
        }

        ByCode = list.ToFrozenDictionary(c => c.Code);
        ByCountry = list.ToFrozenDictionary(c => c.Country, StringComparer.OrdinalIgnoreCase);
    }

    public static IEnumerable<CountryCode> All => ByCode.Values;

    public static CountryCode? ForCountry(string country) => ByCountry.GetValueOrDefault(country);

    /// <summary>The country code that the international digits start with (1 to 3 digits), or null.</summary>
    public static CountryCode? Match(ReadOnlySpan<char> digits)
    {
        var code = 0;
        for (var i = 0; i < 3 && i < digits.Length; i++)
        {
            code = (code * 10) + (digits[i] - '0');
            if (ByCode.TryGetValue(code, out var found))
            {
                return found;
            }
        }

        return null;
    }
}
