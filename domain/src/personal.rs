//! Personal data typed into values. Field names keep names, phones and addresses out of a record
//! (`reader::looks_personal`), but an officer may still type a client's phone number into the
//! notes by habit, or a name as a client code. `DOMAIN.md` ("Privacy"): never a name, ID number,
//! phone number or address of a person supported. The phone's form and the server both run these
//! checks, through [`crate::validate`] and [`crate::ClientCode`].
//!
//! In any text field, a value is refused when it holds:
//! - a Vietnamese phone number: a mobile `0[35789]x xxx xxxx` (10 digits), an old 11-digit mobile
//!   `01[2689]…`, a landline `02…` (11 digits: area code and number), or any of them with `84`
//!   (`+84`) in place of the leading 0;
//! - an ID number: a CMND of 9 digits, or a CCCD of 12 starting with a province code (001–096);
//! - an e-mail address.
//!
//! Digits count as one number when written in groups joined by one and the same separator (a
//! space, `.` or `-`, perhaps around a bracketed area code): `0912 345 678`, `0912.345.678`,
//! `(024) 3825 1234`, `+84 912-345-678`. What officers really write must pass, so:
//! - `/` joins nothing: dates (`01/07/2025`) and decree numbers (`178/2004/NĐ-CP`) are apart;
//!   dates written with `.` or `-` have 8 digits, which is no shape above;
//! - a phone number's groups have at least 2 digits and an ID number's at least 3, so a list of
//!   small counts (`5 8 7 9…`) never adds up to one; an ID number is all the groups of a run or
//!   one group, never a part in the middle (`1.234.567.890` is an amount);
//! - money never starts with 0, so only the 9-digit CMND can be taken for an amount: 9 digits
//!   are an amount, not an ID, when they end in `000` or are followed by `đ`, `đồng` or `VNĐ`
//!   (`150.000.000 đồng`, `450000000`);
//! - a business's tax code (10 digits starting with its province's number, `62…` in Lai Châu, and
//!   `-001` for a branch) is no phone number; one of a province whose number starts a mobile
//!   (`03…` Hồ Chí Minh City) would be refused, which no record of this district needs. The
//!   business register has no phone or tax code field: a business's phone is often its owner's.
//!
//! A client code of another scheme is refused when it carries a phone or ID number as above
//! (`_` joins groups too), or reads as a name: words of letters (parted by `-`, `_`, spaces) in a
//! run between digits, each read wholly as Vietnamese syllables, five letters or more in all, with
//! the middle name Thị or Văn before another syllable, or three syllables or more starting with a
//! family name (`Nguyen-Thi-Lan`, `LOVANPANG`, `NguyenMinhChau`). Two syllables alone read as a
//! place as often as a name (`BINHLU`, `HOTHAU`, `GIANGMA` and `SUNGPHAI` are communes of Tam
//! Đường) and pass. The letters of a programme's code are abbreviations without vowels (`KH`,
//! `LC`, `MMT`), which part a run like a digit, or words that are no name (`TUVAN`, `GIAMHAI`).

use std::ops::Range;

use crate::client_code::fold_letter;

/// Whether `text` holds a phone number, an ID number or an e-mail address.
pub(crate) fn in_text(text: &str) -> bool {
    has_number(text, false) || has_email(text.as_bytes())
}

/// Whether a client code carries a phone or ID number, or reads as a name.
pub(crate) fn in_code(code: &str) -> bool {
    has_number(code, true) || reads_as_name(code)
}

// Numbers. Digits and separators are ASCII, so the text is read as bytes, without allocating
// characters; this runs on the phone at every save.

/// Whether `text` holds a phone or ID number (see the module docs). In a code, `_` joins digit
/// groups too.
fn has_number(text: &str, code: bool) -> bool {
    let bytes = text.as_bytes();
    runs(bytes, code).iter().any(|run| {
        for first in 0..run.len() {
            let mut digits = Vec::new();
            let mut shortest = usize::MAX;
            for (last, group) in run.iter().enumerate().skip(first) {
                digits.extend_from_slice(&bytes[group.clone()]);
                shortest = shortest.min(group.len());
                if digits.len() > 12 {
                    break;
                }
                let alone = last == first;
                // A phone number anywhere in a run: `Tổ 5 0912 345 678`, two numbers in a row.
                if (alone || shortest >= 2) && is_phone(&digits) {
                    return true;
                }
                // An ID number as a whole run or one group of it: 9 digits inside a longer run
                // are as often part of an amount (`1.234.567.890`).
                let whole = first == 0 && last + 1 == run.len();
                if (alone || (whole && shortest >= 3))
                    && is_id(&digits)
                    && !is_amount(&digits, &text[group.end..])
                {
                    return true;
                }
            }
        }
        false
    })
}

/// The digit groups of `text` written as one number each, as byte ranges. A change of separator
/// starts a new run at the group where it changes: `0912.345 678` gives `0912.345` and `345 678`.
fn runs(text: &[u8], code: bool) -> Vec<Vec<Range<usize>>> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !text[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut groups = Vec::new();
        let mut separator = None;
        let mut start = i;
        i = loop {
            let end = start
                + text[start..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
            groups.push(start..end);
            let Some((next, gap)) = gap(text, end, code) else {
                break end;
            };
            if gap.is_some() && separator.is_some() && gap != separator {
                // A separator is known only after a first gap: the new run starts after this one.
                break start;
            }
            separator = separator.or(gap);
            start = next;
        };
        runs.push(groups);
    }
    runs
}

/// Where the next digit group starts when `text[end..]` joins one to the group ending at `end`:
/// `)`, a separator and `(`, each optional but not all absent; and the separator.
fn gap(text: &[u8], end: usize, code: bool) -> Option<(usize, Option<&[u8]>)> {
    let mut next = end;
    if text.get(next) == Some(&b')') {
        next += 1;
    }
    let rest = &text[next..];
    let separator = if rest.starts_with("\u{a0}".as_bytes()) {
        Some(&rest[..2])
    } else {
        match rest.first() {
            Some(b' ' | b'.' | b'-') => Some(&rest[..1]),
            Some(b'_') if code => Some(&rest[..1]),
            _ => None,
        }
    };
    next += separator.map_or(0, <[u8]>::len);
    if text.get(next) == Some(&b'(') {
        next += 1;
    }
    let digit = text.get(next).is_some_and(u8::is_ascii_digit);
    (next > end && digit).then_some((next, separator))
}

/// A Vietnamese phone number, digits only.
fn is_phone(d: &[u8]) -> bool {
    let mobile = |second: u8| matches!(second, b'3' | b'5' | b'7' | b'8' | b'9');
    match d.len() {
        10 => d[0] == b'0' && mobile(d[1]),
        11 if d.starts_with(b"84") => mobile(d[2]),
        11 => {
            d.starts_with(b"02")
                || (d.starts_with(b"01") && matches!(d[2], b'2' | b'6' | b'8' | b'9'))
        }
        12 => d.starts_with(b"842"),
        _ => false,
    }
}

/// A CMND (9 digits) or CCCD (12 digits, a province code 001–096 first) number.
fn is_id(d: &[u8]) -> bool {
    match d.len() {
        9 => true,
        12 => d[0] == b'0' && &d[..3] <= b"096",
        _ => false,
    }
}

/// Whether 9 digits are an amount of money: round thousands, or followed by the currency.
fn is_amount(digits: &[u8], after: &str) -> bool {
    if digits.len() != 9 {
        return false;
    }
    if digits.ends_with(b"000") {
        return true;
    }
    // Folded rather than lower-cased: `char::to_lowercase` would add Unicode tables to the bundle.
    let word: String = after
        .trim_start()
        .chars()
        .map_while(|c| if c == '₫' { Some(c) } else { fold_letter(c) })
        .collect();
    matches!(word.as_str(), "D" | "DONG" | "VND" | "₫")
}

/// Whether `text` holds `name@domain.tld`.
fn has_email(text: &[u8]) -> bool {
    let local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    let host = |b: &u8| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'-';
    (1..text.len()).filter(|&at| text[at] == b'@').any(|at| {
        let rest = &text[at + 1..];
        let mut host = &rest[..rest.iter().take_while(|b| host(b)).count()];
        while let [before @ .., b'.' | b'-'] = host {
            host = before;
        }
        let Some(dot) = host.iter().rposition(|&b| b == b'.') else {
            return false;
        };
        let tld = &host[dot + 1..];
        local(text[at - 1]) && dot > 0 && tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic)
    })
}

// Names

/// Family names of Vietnam and of the peoples of Lai Châu (Thái, Mông, Dao, Giáy, Lự), without
/// marks.
const FAMILY_NAMES: &[&str] = &[
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do",
    "ho", "ngo", "duong", "ly", "dinh", "dao", "doan", "trinh", "truong", "lam", "luong", "luu",
    "cao", "quach", "trieu", "ha", "lo", "lu", "giang", "sung", "vang", "thao", "hang", "lau",
    "tan", "chao", "mua", "tao", "deo", "tong", "cam", "quang",
];
/// The middle names that mark a given name: Thị for women, Văn for men.
const MIDDLE_NAMES: &[&str] = &["thi", "van"];

/// How a Vietnamese syllable may begin and end, without marks.
const INITIALS: &[&str] = &[
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "g", "h",
    "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];
const FINALS: &[&str] = &["ng", "nh", "ch", "c", "m", "n", "p", "t", ""];

/// Whether a code's letters read as a person's name (see the module docs).
fn reads_as_name(code: &str) -> bool {
    // Letters without marks, lower-case; `-`, `_` and spaces part words, anything else (a
    // digit) parts runs of words.
    let folded: Vec<u8> = code
        .chars()
        .map(|c| match fold_letter(c) {
            Some(letter) => letter.to_ascii_lowercase() as u8,
            None if matches!(c, '-' | '_' | ' ') => b' ',
            None => b'|',
        })
        .collect();
    folded.split(|&b| b == b'|').any(|run| {
        let words: Vec<&[u8]> = run
            .split(|&b| b == b' ')
            .filter(|w| !w.is_empty())
            .collect();
        // A word that is no syllables (`KH`, `TD`) parts a run like a digit.
        words
            .split(|word| Syllables::of(word).count().is_none())
            .any(names_a_person)
    })
}

/// Whether words of syllables joined in a code read as a name: five letters or more, with Thị
/// or Văn before another syllable, or a family name before two syllables or more.
fn names_a_person(words: &[&[u8]]) -> bool {
    let read: Vec<Syllables> = words.iter().map(|word| Syllables::of(word)).collect();
    let letters: usize = words.iter().map(|word| word.len()).sum();
    let counts: Vec<usize> = read.iter().filter_map(Syllables::count).collect();
    let syllables: usize = counts.iter().sum();
    if letters < 5 || syllables < 2 {
        return false;
    }
    let middle = read
        .iter()
        .enumerate()
        .any(|(i, word)| match word.middle_name() {
            Some(followed) => followed || i + 1 < read.len(),
            None => false,
        });
    let family = read
        .first()
        .and_then(Syllables::after_family_name)
        .is_some_and(|after| 1 + after + syllables - counts[0] >= 3);
    middle || family
}

/// Calls `found` with each end of a syllable of `word` starting at `start`: an initial, one to
/// three vowels, a final.
fn syllable_ends(word: &[u8], start: usize, mut found: impl FnMut(usize)) {
    let vowel = |b: &u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    for initial in INITIALS {
        if !word[start..].starts_with(initial.as_bytes()) {
            continue;
        }
        let nucleus = start + initial.len();
        let vowels = word[nucleus..]
            .iter()
            .take(3)
            .take_while(|b| vowel(b))
            .count();
        for end in nucleus + 1..=nucleus + vowels {
            for last in FINALS {
                if word[end..].starts_with(last.as_bytes()) {
                    found(end + last.len());
                }
            }
        }
    }
}

/// How a word (lower-case `a-z`) reads as Vietnamese syllables.
struct Syllables<'a> {
    word: &'a [u8],
    /// `fewest[i]`: the fewest syllables `word[i..]` reads as, if it reads wholly as syllables.
    fewest: Vec<Option<usize>>,
    /// `split[i]`: whether `word[..i]` reads wholly as syllables.
    split: Vec<bool>,
}

impl<'a> Syllables<'a> {
    fn of(word: &'a [u8]) -> Syllables<'a> {
        let n = word.len();
        let mut fewest = vec![None; n + 1];
        fewest[n] = Some(0);
        for start in (0..n).rev() {
            let mut best: Option<usize> = None;
            syllable_ends(word, start, |end| {
                if let Some(after) = fewest[end] {
                    best = Some(best.map_or(after + 1, |best| best.min(after + 1)));
                }
            });
            fewest[start] = best;
        }
        let mut split = vec![false; n + 1];
        split[0] = true;
        for start in 0..n {
            if split[start] {
                syllable_ends(word, start, |end| split[end] = true);
            }
        }
        Syllables {
            word,
            fewest,
            split,
        }
    }

    /// The fewest syllables the whole word reads as, if it reads as syllables at all.
    fn count(&self) -> Option<usize> {
        self.fewest[0]
    }

    /// Whether the syllable `name` may stand at `at`, the word reading as syllables around it.
    fn has_at(&self, at: usize, name: &str) -> bool {
        self.split[at]
            && self.word[at..].starts_with(name.as_bytes())
            && self.fewest[at + name.len()].is_some()
    }

    /// The fewest syllables after a family name the word may start with, if it may.
    fn after_family_name(&self) -> Option<usize> {
        FAMILY_NAMES
            .iter()
            .filter(|name| self.has_at(0, name))
            .filter_map(|name| self.fewest[name.len()])
            .min()
    }

    /// Whether the word may hold a middle name with a syllable after it (`Some(true)`), or only
    /// as its last syllable (`Some(false)`).
    fn middle_name(&self) -> Option<bool> {
        let mut found = None;
        for at in 0..self.word.len() {
            for name in MIDDLE_NAMES {
                if self.has_at(at, name) {
                    found = found.max(Some(at + name.len() < self.word.len()));
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_found_however_they_are_written() {
        for text in [
            "0912345678",
            "0912 345 678",
            "0912.345.678",
            "0912-345-678",
            "091 234 5678",
            "0912 34 56 78",
            "+84 912 345 678",
            "+84912345678",
            "84912345678",
            "(+84) 912-345-678",
            "+84-912-345-678",
            "SĐT:0987654321",
            "sdt0987654321 của chị",
            "Gọi 0388 123 456.",
            "Zalo 0565.123.456, gặp buổi tối",
            "Số máy 0912345678/0987654321",
            "0912 345 678 0987 654 321",
            "Tổ 5 0912 345 678",
            "01662345678",
            "0123 456 7890",
            "024 3825 1234",
            "(024) 3825 1234",
            "(0213)3876543",
            "0213.3876.543",
            "0213 3876 543",
            "+84 24 3825 1234",
            "0912\u{a0}345\u{a0}678",
        ] {
            assert!(in_text(text), "{text}");
        }
    }

    #[test]
    fn id_numbers_are_found_with_or_without_spaces() {
        for text in [
            "123456789",
            "CMND 123 456 789",
            "số 012345678 cấp năm 2010",
            "123.456.789",
            "CCCD 001090012345",
            "001 090 012 345",
            "0010 9001 2345",
            "001090 012345",
            "012345678901",
            "Căn cước: 096190001234.",
            "CCCD 001090012000",
        ] {
            assert!(in_text(text), "{text}");
        }
    }

    #[test]
    fn e_mail_addresses_are_found() {
        for text in [
            "lan.nguyen@gmail.com",
            "Email: x_y+1@mail.co",
            "liên hệ abc@yahoo.com.vn.",
            "(hoa-tran@laichau.gov.vn)",
        ] {
            assert!(in_text(text), "{text}");
        }
    }

    #[test]
    fn what_officers_really_write_passes() {
        for text in [
            // Dates and times.
            "2025-07-01",
            "01/07/2025",
            "01-07-2025",
            "01.07.2025",
            "Từ 01/07/2025 đến 15/07/2025",
            "01.07.2025 - 15.07.2025",
            "01.07.2025-15.07.2025",
            "2025-07-01 08:30",
            "08:30-11:00 ngày 1/7",
            "Năm 2023, 2024, 2025",
            "2023 2024 2025",
            "Quý 1/2024",
            // Counts.
            "12 người",
            "3 buổi",
            "Nam 12, nữ 30",
            "Có 120 người tham dự, trong đó 45 nữ",
            "Điểm: 5 8 7 9 6 5 8 7 9",
            "10 12 15 20 18 25",
            "Tổ 1, 2, 3 và 4",
            // Money.
            "1.500.000 đồng",
            "15000000",
            "Phạt 150.000.000 đồng",
            "150000000",
            "150 000 000 đ",
            "7.500.000đ",
            "2,000,000 VNĐ",
            "123.456.789 đồng",
            "123456789 VND",
            "1.500.000.000 đồng",
            "1.234.567.890",
            "12.500.000.000",
            "Tổng 84.000.000.000",
            // Legal references.
            "178/2004/NĐ-CP",
            "13/2023/NĐ-CP",
            "Quyết định 1629/QĐ-TTg",
            "Nghị định 144/2021/NĐ-CP",
            "Công văn số 123/UBND-VX ngày 15/3/2023",
            "Điều 8, khoản 2",
            // Phones of no one: hotlines and short numbers.
            "Đường dây nóng 111",
            "Gọi 113 khi cần",
            "Tổng đài 1800 1567",
            "18001567",
            // A business's tax code, and a branch's.
            "MST 6200123456",
            "6200123456-001",
            // Places, and everything else.
            "Tổ dân phố số 1",
            "Bản Nà Đông",
            "Km 12",
            "Mã bưu chính 391000",
            "Nhóm @ Bản Hon",
            "hop@",
            "a@b",
            "Phòng 2.3",
        ] {
            assert!(!in_text(text), "{text}");
        }
    }

    #[test]
    fn codes_of_other_schemes_pass_but_never_a_name_or_a_phone() {
        for code in [
            "C001",
            "LC-2023_15",
            "KH-0456",
            "TD0123",
            "MMT-LC-012",
            "HIV-TD-001",
            "XN2023-001",
            "PREP-0001",
            "HN-2023-000123",
            "MAHU90F",
            "CASE-17",
            "TUVAN-12",
            "GIAMHAI-3",
            "LAN-HOA-01",
            "THI-01",
            "NGUYEN-01",
            "BINHLU-001",
            "HOTHAU-12",
            "GIANGMA-3",
            "SUNGPHAI-7",
            "TAMDUONG-2025-01",
            "MT1990F7",
            "AE1990F7",
        ] {
            assert!(!in_code(code), "{code}");
        }
        for code in [
            "Nguyen-Thi-Lan-0912345678",
            "Nguyen-Thi-Lan",
            "NguyenThiLan",
            "NGUYENTHILAN1990",
            "ThiLan90",
            "LoVanPang-1",
            "Giang-A-Pao-88",
            "Tran_Thi_Hoa_1995",
            "HOANGVANNAM",
            "NguyenMinhChau-2",
            "TD-LE-THI-HOA-12",
            "Lan-0912345678",
            "KH-0912-345-678",
            "KH_0912_345_678",
            "C-001090012345",
            "KH123456789",
            "LE-THI-LAN",
        ] {
            assert!(in_code(code), "{code}");
        }
    }

    #[test]
    fn words_read_as_syllables_or_not_at_all() {
        let count = |word: &str| Syllables::of(word.as_bytes()).count();
        assert_eq!(count("nguyenthilan"), Some(3));
        assert_eq!(count("giangapao"), Some(3));
        assert_eq!(count("nghieng"), Some(1));
        assert_eq!(count("hothau"), Some(2));
        for word in ["kh", "mmt", "hiv", "prep", "lc", "f", "case1"] {
            assert_eq!(count(word), None, "{word}");
        }
        assert_eq!(Syllables::of(b"lethilan").middle_name(), Some(true));
        assert_eq!(Syllables::of(b"tuvan").middle_name(), Some(false));
        assert_eq!(Syllables::of(b"lethilan").after_family_name(), Some(2));
        assert_eq!(Syllables::of(b"binhlu").after_family_name(), None);
    }
}
