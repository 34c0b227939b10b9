namespace Dialer.Db.Phones;

/// <summary>
/// North American Numbering Plan area codes in service: the country (ISO 3166) and the IANA time zone of
/// each. An area code that spans two zones gets the zone where most of its numbers are. Non-geographic
/// codes (toll free, personal) have a country but no zone. Checked against libphonenumber 9.0.43 by
/// PhoneReferenceTests: every area code it knows is here (738, 273, 748, 840 among them); 700 and 710 are
/// not dialable and are not; the zones of 219, 270, 364, 423, 448, 474, 689 and 867 are ours on purpose.
/// </summary>
public static class NanpAreaCodes
{
    // "country zone: NPA NPA …" ("-" = no single zone)
    private const string Table = """
        US America/New_York: 201 202 203 207 212 215 216 220 223 227 229 234 239 240 252 267 272 276 283 301 302 304 305 315 321 324 326 329 330 332 336 339 347 351 352 363 380 386 401 404 407 410 412 413 419 423 434 436 440 443 445 470 472 475 478 484 508 513 516 518 540 551 561 567 570 571 582 585 603 606 607 609 610 614 617 624 631 640 645 646 656 667 678 680 681 686 689 703 704 706 716 717 718 724 727 728 732 740 743 754 757 762 770 771 772 774 781 786 802 803 804 813 814 821 826 828 835 838 839 843 845 848 854 856 857 860 862 863 864 865 878 904 908 910 912 914 917 919 929 934 937 941 943 948 954 959 973 978 980 984
        US America/Detroit: 231 269 313 517 586 616 679 734 810 906 947 989 248
        US America/Indiana/Indianapolis: 260 317 463 574 765 812 930
        US America/Kentucky/Louisville: 502 859
        US America/Chicago: 205 210 214 217 218 219 224 225 228 235 251 254 256 262 270 274 281 308 309 312 314 316 318 319 320 325 327 331 334 337 346 353 361 364 402 405 409 414 417 430 432 447 448 457 464 469 479 501 504 507 512 515 531 534 539 557 563 572 573 580 601 605 608 612 615 618 620 629 630 636 641 651 659 660 662 682 701 708 712 713 715 726 730 731 737 763 769 773 779 785 806 815 816 817 830 832 847 850 861 870 872 901 903 913 918 920 924 931 936 938 940 945 952 956 972 975 979 985
        US America/Denver: 303 307 385 406 435 505 575 719 720 748 801 915 970 983
        US America/Boise: 208 986
        US America/Phoenix: 480 520 602 623 928
        US America/Los_Angeles: 206 209 213 253 279 310 323 341 350 360 369 408 415 424 425 442 458 503 509 510 530 541 559 562 564 619 626 628 650 657 661 669 702 707 714 725 738 747 760 775 805 818 820 831 837 840 858 909 916 925 949 951 971
        US America/Anchorage: 907
        US Pacific/Honolulu: 808
        PR America/Puerto_Rico: 787 939
        VI America/St_Thomas: 340
        GU Pacific/Guam: 671
        MP Pacific/Saipan: 670
        AS Pacific/Pago_Pago: 684
        US -: 500 521 522 523 524 525 526 527 528 529 532 533 544 566 577 588 800 833 844 855 866 877 888 900
        CA America/Vancouver: 236 250 257 604 672 778
        CA America/Edmonton: 368 403 587 780 825
        CA America/Regina: 306 474 639
        CA America/Winnipeg: 204 431 584
        CA America/Toronto: 226 249 263 273 289 343 354 365 367 382 387 416 418 437 438 450 468 514 519 548 579 581 613 647 683 705 742 753 807 819 873 905 942
        CA America/Moncton: 428 506
        CA America/Halifax: 782 902
        CA America/St_Johns: 709 879
        CA -: 600 622 633 867
        BS America/Nassau: 242
        BB America/Barbados: 246
        AI America/Anguilla: 264
        AG America/Antigua: 268
        VG America/Tortola: 284
        KY America/Cayman: 345
        BM Atlantic/Bermuda: 441
        GD America/Grenada: 473
        TC America/Grand_Turk: 649
        JM America/Jamaica: 658 876
        MS America/Montserrat: 664
        SX America/Lower_Princes: 721
        LC America/St_Lucia: 758
        DM America/Dominica: 767
        VC America/St_Vincent: 784
        DO America/Santo_Domingo: 809 829 849
        TT America/Port_of_Spain: 868
        KN America/St_Kitts: 869
        """;

    private static readonly string?[] Zones = new string?[1000];
    private static readonly string?[] Countries = new string?[1000];

    static NanpAreaCodes()
    {
        foreach (var line in Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var head = line[..colon].Split(' ');
            var zone = head[1] == "-" ? null : head[1];
            foreach (var token in line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                // "313" marks a code listed in an earlier, broader line that this line corrects.
                var npa = int.Parse(token.AsSpan().TrimEnd('!'), System.Globalization.CultureInfo.InvariantCulture);
                if (token.EndsWith('!') || Countries[npa] is null)
                {
                    Zones[npa] = zone;
                    Countries[npa] = head[0];
                }
            }
        }
    }

    /// <summary>True when the area code is in the table (in service).</summary>
    public static bool InService(int npa) => npa is >= 0 and < 1000 && Countries[npa] is not null;

    public static string? CountryOf(int npa) => npa is >= 0 and < 1000 ? Countries[npa] : null;

    public static string? ZoneOf(int npa) => npa is >= 0 and < 1000 ? Zones[npa] : null;

    public static IEnumerable<int> All => Enumerable.Range(0, 1000).Where(InService);
}
