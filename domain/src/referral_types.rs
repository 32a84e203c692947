//! The support and referral services a person who sells sex can be referred to
//! (`reference/referral_types.csv`): codes and labels exactly as in that file.

use crate::coded::coded;

coded! {
    /// A service of a harm-reduction referral.
    pub enum ReferralService {
        HivTest = "HIV_TEST", "Xét nghiệm HIV (kể cả tự xét nghiệm)", "HIV testing incl. self-test";
        Prep = "PREP", "Điều trị dự phòng trước phơi nhiễm (PrEP)", "PrEP";
        Arv = "ARV", "Điều trị ARV", "ART linkage";
        Sti = "STI", "Khám/điều trị nhiễm khuẩn lây truyền qua đường tình dục", "STI screening/treatment";
        Methadone = "METHADONE", "Điều trị nghiện các chất dạng thuốc phiện (methadone)", "Opioid agonist therapy";
        Condom = "CONDOM", "Bao cao su/chất bôi trơn", "Condoms/lubricant";
        Nsp = "NSP", "Bơm kim tiêm", "Needles/syringes";
        Health = "HEALTH", "Hỗ trợ y tế khác", "Other health support";
        Legal = "LEGAL", "Tư vấn/trợ giúp pháp lý", "Legal counselling/aid";
        Gbv = "GBV", "Phòng chống bạo lực trên cơ sở giới", "GBV support";
        EduVoc = "EDU_VOC", "Hỗ trợ giáo dục/dạy nghề", "Education/vocational training";
        Loan = "LOAN", "Hỗ trợ vay vốn", "Loans";
        Job = "JOB", "Giới thiệu việc làm", "Job placement";
        Psycho = "PSYCHO", "Tư vấn tâm lý/công tác xã hội", "Psychosocial/social work";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::assert_coded_list;
    use crate::{Coded, Lang};

    /// `reference/referral_types.csv` without its source column.
    const CSV: &str = "\
HIV_TEST,Xét nghiệm HIV (kể cả tự xét nghiệm),HIV testing incl. self-test
PREP,Điều trị dự phòng trước phơi nhiễm (PrEP),PrEP
ARV,Điều trị ARV,ART linkage
STI,Khám/điều trị nhiễm khuẩn lây truyền qua đường tình dục,STI screening/treatment
METHADONE,Điều trị nghiện các chất dạng thuốc phiện (methadone),Opioid agonist therapy
CONDOM,Bao cao su/chất bôi trơn,Condoms/lubricant
NSP,Bơm kim tiêm,Needles/syringes
HEALTH,Hỗ trợ y tế khác,Other health support
LEGAL,Tư vấn/trợ giúp pháp lý,Legal counselling/aid
GBV,Phòng chống bạo lực trên cơ sở giới,GBV support
EDU_VOC,Hỗ trợ giáo dục/dạy nghề,Education/vocational training
LOAN,Hỗ trợ vay vốn,Loans
JOB,Giới thiệu việc làm,Job placement
PSYCHO,Tư vấn tâm lý/công tác xã hội,Psychosocial/social work";

    #[test]
    fn services_match_the_reference_file_in_order() {
        assert_coded_list::<ReferralService>();
        let lines: Vec<_> = CSV.lines().collect();
        assert_eq!(lines.len(), ReferralService::ALL.len());
        for (line, service) in lines.iter().zip(ReferralService::ALL) {
            let expected = format!(
                "{},{},{}",
                service.as_str(),
                service.label(Lang::Vi),
                service.label(Lang::En)
            );
            assert_eq!(*line, expected);
        }
    }

    #[test]
    fn codes_serialise_as_in_the_file() {
        assert_eq!(
            serde_json::to_value(ReferralService::HivTest).unwrap(),
            "HIV_TEST"
        );
        assert_eq!(
            ReferralService::parse("EDU_VOC"),
            Some(ReferralService::EduVoc)
        );
        assert_eq!(ReferralService::parse("hiv_test"), None);
    }
}
