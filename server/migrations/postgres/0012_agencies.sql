-- The agencies PCMD-KH02 counts, as the admin keeps them (`/api/v1/admin/agencies`), seeded with
-- those of the plan's section V. An agency integration record names one by `data.agency_id`;
-- an agency is retired, never deleted, so that older records keep their agency. `name_key` is
-- `name_vi` in lower case with its spaces collapsed (`store::agencies::name_key`): unique, so that
-- one agency is never listed under two spellings, whoever adds it at the same moment.
CREATE TABLE agencies (
    id TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    sort INTEGER NOT NULL,
    retired BOOLEAN NOT NULL DEFAULT FALSE
);

INSERT INTO agencies (id, name_vi, name_key, name_en, sort) VALUES
    ('ag-ldtbxh', 'Phòng Lao động - Thương binh và Xã hội',
     'phòng lao động - thương binh và xã hội',
     'Labour, invalids and social affairs office', 1),
    ('ag-cong-an', 'Công an huyện',
     'công an huyện',
     'District police', 2),
    ('ag-vhtt', 'Phòng Văn hoá và Thông tin',
     'phòng văn hoá và thông tin',
     'Culture and information office', 3),
    ('ag-y-te', 'Trung tâm Y tế huyện',
     'trung tâm y tế huyện',
     'District health centre', 4),
    ('ag-tu-phap', 'Phòng Tư pháp',
     'phòng tư pháp',
     'Justice office', 5),
    ('ag-vhtttt', 'Trung tâm Văn hóa, Thể thao và Truyền thông huyện',
     'trung tâm văn hóa, thể thao và truyền thông huyện',
     'Culture, sports and media centre', 6),
    ('ag-gddt', 'Phòng Giáo dục và Đào tạo',
     'phòng giáo dục và đào tạo',
     'Education and training office', 7),
    ('ag-tckh', 'Phòng Tài chính - Kế hoạch',
     'phòng tài chính - kế hoạch',
     'Finance and planning office', 8),
    ('ag-tuyen-giao', 'Ban Tuyên giáo Huyện ủy',
     'ban tuyên giáo huyện ủy',
     'Party committee''s propaganda board', 9),
    ('ag-toa-an', 'Tòa án nhân dân huyện',
     'tòa án nhân dân huyện',
     'District people''s court', 10),
    ('ag-vien-kiem-sat', 'Viện kiểm sát nhân dân huyện',
     'viện kiểm sát nhân dân huyện',
     'District people''s procuracy', 11),
    ('ag-mttq', 'Ủy ban Mặt trận Tổ quốc Việt Nam huyện',
     'ủy ban mặt trận tổ quốc việt nam huyện',
     'District Fatherland Front committee', 12);
