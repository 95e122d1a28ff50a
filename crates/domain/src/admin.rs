//! Viet Nam's administrative units after the 2025 reorganisation (34 provinces, 3,321 communes
//! and wards), from the General Statistics Office list, embedded in the binary so the program never
//! reads a file for them. Used for locality codes, the demo commune and its real neighbours, and
//! to tell a neighbouring commune's own page from an impostor.

use std::sync::OnceLock;

/// One commune or ward and its province.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AdminUnit {
    pub province_code: u16,
    pub province_name: String,
    pub ward_code: u32,
    pub ward_name: String,
    /// "xã", "phường" or "đặc khu".
    pub ward_type: String,
}

const CSV: &str = include_str!("../data/vn-admin-units-2025.csv");

/// Every unit, in the list's order.
pub fn admin_units() -> &'static [AdminUnit] {
    static UNITS: OnceLock<Vec<AdminUnit>> = OnceLock::new();
    UNITS.get_or_init(|| {
        CSV.lines()
            .skip(1)
            .filter_map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                Some(AdminUnit {
                    province_code: f.first()?.parse().ok()?,
                    province_name: f.get(1)?.to_string(),
                    ward_code: f.get(3)?.parse().ok()?,
                    ward_name: f.get(4)?.to_string(),
                    ward_type: f.get(5)?.to_string(),
                })
            })
            .collect()
    })
}

/// The unit with this ward code.
pub fn ward_by_code(code: u32) -> Option<&'static AdminUnit> {
    admin_units().iter().find(|u| u.ward_code == code)
}

/// Units whose name, folded, equals `name` folded (with or without "Xã"/"Phường").
pub fn wards_named(name: &str) -> Vec<&'static AdminUnit> {
    let wanted = text::fold(name);
    admin_units()
        .iter()
        .filter(|u| {
            let full = text::fold(&u.ward_name);
            let bare = full.split_once(' ').map(|(_, rest)| rest).unwrap_or(&full);
            full == wanted || bare == wanted
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_commune_is_there() {
        assert_eq!(admin_units().len(), 3321);
        let u = ward_by_code(15199).expect("Thạch Quảng");
        assert_eq!(u.ward_name, "Xã Thạch Quảng");
        assert_eq!(u.province_code, 38);
        assert_eq!(u.province_name, "Thanh Hóa");
        assert_eq!(wards_named("thach quang").len(), 1);
    }
}
