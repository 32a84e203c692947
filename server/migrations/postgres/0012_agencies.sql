-- The agencies PCMD-KH02 counts, as the admin keeps them (`/api/v1/admin/agencies`), seeded with
-- those of the plan's section V. An agency integration record names one by `data.agency_id`;
-- an agency is retired, never deleted, so that older records keep their agency.
CREATE TABLE agencies (
    id TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort INTEGER NOT NULL,
    retired BOOLEAN NOT NULL DEFAULT FALSE
);

INSERT INTO agencies (id, name_vi, name_en, sort) VALUES
    ('ag-ldtbxh', 'Phòng Lao động - Thương binh và Xã hội',
     'Labour, invalids and social affairs office', 1),
    ('ag-cong-an', 'Công an huyện', 'District police', 2),
    ('ag-vhtt', 'Phòng Văn hoá và Thông tin', 'Culture and information office', 3),
    ('ag-y-te', 'Trung tâm Y tế huyện', 'District health centre', 4),
    ('ag-tu-phap', 'Phòng Tư pháp', 'Justice office', 5),
    ('ag-vhtttt', 'Trung tâm Văn hóa, Thể thao và Truyền thông huyện',
     'Culture, sports and media centre', 6),
    ('ag-gddt', 'Phòng Giáo dục và Đào tạo', 'Education and training office', 7),
    ('ag-tckh', 'Phòng Tài chính - Kế hoạch', 'Finance and planning office', 8),
    ('ag-tuyen-giao', 'Ban Tuyên giáo Huyện ủy', 'Party committee''s propaganda board', 9),
    ('ag-toa-an', 'Tòa án nhân dân huyện', 'District people''s court', 10),
    ('ag-vien-kiem-sat', 'Viện kiểm sát nhân dân huyện', 'District people''s procuracy', 11),
    ('ag-mttq', 'Ủy ban Mặt trận Tổ quốc Việt Nam huyện', 'District Fatherland Front committee',
     12);
