<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BooleanEditor</name>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
</context>
<context>
    <name>CaseDialog</name>
    <message>
        <source>New case</source>
        <translation>新建案件</translation>
    </message>
    <message>
        <source>Case &amp;number *</source>
        <translation>案号(&amp;N) *</translation>
    </message>
    <message>
        <source>&amp;Title *</source>
        <translation>案件名称(&amp;T) *</translation>
    </message>
    <message>
        <source>&amp;Agency *</source>
        <translation>办案单位(&amp;A) *</translation>
    </message>
    <message>
        <source>C&amp;ause</source>
        <translation>案由(&amp;U)</translation>
    </message>
    <message>
        <source>Create case</source>
        <translation>创建案件</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Opening the case…</source>
        <translation>正在创建案件……</translation>
    </message>
</context>
<context>
    <name>CasePanel</name>
    <message>
        <source>&amp;Cases</source>
        <translation>案件(&amp;C)</translation>
    </message>
    <message>
        <source>New case…</source>
        <translation>新建案件……</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
</context>
<context>
    <name>ChoiceEditor</name>
    <message>
        <source>— choose —</source>
        <translation>— 请选择 —</translation>
    </message>
</context>
<context>
    <name>DateEditor</name>
    <message>
        <source>YYYY-MM-DD HH:MM</source>
        <translation>年-月-日 时:分（YYYY-MM-DD HH:MM）</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日（YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>Pick from a calendar (Alt+Down)</source>
        <translation>从日历中选择（Alt+↓）</translation>
    </message>
</context>
<context>
    <name>DraftDialog</name>
    <message>
        <source>Draft: {0}</source>
        <translation>起草：{0}</translation>
    </message>
    <message>
        <source>{0} — case {1}, printed in {2}</source>
        <translation>{0} — 案号 {1}，文书语言：{2}</translation>
    </message>
    <message>
        <source>Fields (* required)</source>
        <translation>填写内容（* 为必填）</translation>
    </message>
    <message>
        <source>Signatories, in signing order</source>
        <translation>签名人（按签名顺序）</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>预览(&amp;P)</translation>
    </message>
    <message>
        <source>Check the fields and show the PDF (Ctrl+P)</source>
        <translation>检查填写内容并显示 PDF（Ctrl+P）</translation>
    </message>
    <message>
        <source>&amp;Save draft</source>
        <translation>保存草稿(&amp;S)</translation>
    </message>
    <message>
        <source>Save the record as a draft (Ctrl+S)</source>
        <translation>将笔录保存为草稿（Ctrl+S）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Press Preview to see the record as it will be printed.</source>
        <translation>按“预览”查看文书打印后的样子。</translation>
    </message>
    <message>
        <source>Rendering the preview…</source>
        <translation>正在生成预览……</translation>
    </message>
    <message>
        <source>Preview — not saved</source>
        <translation>预览 — 尚未保存</translation>
    </message>
    <message numerus="yes">
        <source>Preview of %n page(s). The record number and time are set when the draft is saved.</source>
        <translation>
            <numerusform>预览共 %n 页。文书编号和时间在保存草稿时确定。</numerusform>
        </translation>
    </message>
    <message>
        <source>Saving the draft…</source>
        <translation>正在保存草稿……</translation>
    </message>
    <message numerus="yes">
        <source>%n field(s) need attention; nothing was saved.</source>
        <translation>
            <numerusform>有 %n 个字段需要修改；未保存任何内容。</numerusform>
        </translation>
    </message>
    <message>
        <source>The signatories need attention; nothing was saved.
{0}</source>
        <translation>签名人需要调整；未保存任何内容。
{0}</translation>
    </message>
</context>
<context>
    <name>ErrorReporter</name>
    <message>
        <source>the console</source>
        <translation>控制台</translation>
    </message>
    <message>
        <source>Something went wrong that Inkseal did not expect:
{0}

The details are in {1}.</source>
        <translation>Inkseal 遇到了意外错误：
{0}

详细信息见 {1}。</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>The operation could not be completed</source>
        <translation>操作未能完成</translation>
    </message>
    <message>
        <source>{0}

(reason: {1})</source>
        <translation>{0}

（原因代码：{1}）</translation>
    </message>
</context>
<context>
    <name>Identity</name>
    <message>
        <source>18 characters are needed: 17 digits, then a digit or X</source>
        <translation>应为18位：前17位为数字，末位为数字或X</translation>
    </message>
    <message>
        <source>The first two digits are not a province code</source>
        <translation>前两位不是有效的省级行政区划代码</translation>
    </message>
    <message>
        <source>Digits 7 to 14 are not a plausible birth date</source>
        <translation>第7至14位不是合理的出生日期</translation>
    </message>
    <message>
        <source>The check digit is wrong: the number is mistyped</source>
        <translation>校验码错误：号码有误</translation>
    </message>
    <message>
        <source>Not a valid resident identity number</source>
        <translation>不是有效的居民身份证号码</translation>
    </message>
</context>
<context>
    <name>LineEditor</name>
    <message>
        <source>18 characters, the last may be X</source>
        <translation>18位，末位可为X</translation>
    </message>
    <message>
        <source>yuan</source>
        <translation>元</translation>
    </message>
</context>
<context>
    <name>LivePlace</name>
    <message>
        <source>The live view of a signing (ink, camera, signing order) appears here once a terminal is linked to this workstation.</source>
        <translation>终端与本工作站连接后，这里将实时显示签名过程（笔迹、摄像画面、签名顺序）。</translation>
    </message>
    <message>
        <source>Live signing</source>
        <translation>实时签名</translation>
    </message>
</context>
<context>
    <name>PdfPreview</name>
    <message>
        <source>Pages</source>
        <translation>页面</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文书</translation>
    </message>
    <message>
        <source>No record is open.</source>
        <translation>未打开任何笔录。</translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>共 %n 页</numerusform>
        </translation>
    </message>
    <message>
        <source>This PDF cannot be shown ({0}).</source>
        <translation>无法显示此 PDF（{0}）。</translation>
    </message>
</context>
<context>
    <name>PersonDialog</name>
    <message>
        <source>Add a person to case {0}</source>
        <translation>为案件 {0} 添加人员</translation>
    </message>
    <message>
        <source>&amp;Name *</source>
        <translation>姓名(&amp;N) *</translation>
    </message>
    <message>
        <source>&amp;Role *</source>
        <translation>身份(&amp;R) *</translation>
    </message>
    <message>
        <source>&amp;Identity number</source>
        <translation>公民身份号码(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Date of birth</source>
        <translation>出生日期(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Minor</source>
        <translation>未成年人(&amp;M)</translation>
    </message>
    <message>
        <source>A&amp;ssists</source>
        <translation>协助对象(&amp;S)</translation>
    </message>
    <message>
        <source>From the date of birth</source>
        <translation>按出生日期判断</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>— nobody —</source>
        <translation>— 无 —</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>18 characters, the last may be X</source>
        <translation>18位，末位可为X</translation>
    </message>
    <message>
        <source>YYYY-MM-DD (taken from the identity number when empty)</source>
        <translation>年-月-日（留空则取自身份证号码）</translation>
    </message>
    <message>
        <source>Add person</source>
        <translation>添加人员</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Write the date as YYYY-MM-DD</source>
        <translation>日期请写作 年-月-日（YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>Adding the person…</source>
        <translation>正在添加人员……</translation>
    </message>
</context>
<context>
    <name>PersonPanel</name>
    <message>
        <source>&amp;Persons of the case</source>
        <translation>案件人员(&amp;P)</translation>
    </message>
    <message>
        <source>Add person…</source>
        <translation>添加人员……</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>身份</translation>
    </message>
    <message>
        <source>Identity number</source>
        <translation>公民身份号码</translation>
    </message>
    <message>
        <source>Assists</source>
        <translation>协助对象</translation>
    </message>
    <message>
        <source>Persons of the case</source>
        <translation>案件人员</translation>
    </message>
    <message>
        <source>{0} (minor)</source>
        <translation>{0}（未成年）</translation>
    </message>
</context>
<context>
    <name>QaListEditor</name>
    <message>
        <source>Add a question</source>
        <translation>添加一问</translation>
    </message>
</context>
<context>
    <name>QaPair</name>
    <message>
        <source>Question {0}</source>
        <translation>问 {0}</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>答</translation>
    </message>
    <message>
        <source>Remove question {0}</source>
        <translation>删除第 {0} 问</translation>
    </message>
</context>
<context>
    <name>RecordLanguage</name>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>Chinese and English</source>
        <translation>中英文对照</translation>
    </message>
</context>
<context>
    <name>RecordPanel</name>
    <message>
        <source>&amp;Records of the case</source>
        <translation>案件笔录(&amp;R)</translation>
    </message>
    <message>
        <source>New record…</source>
        <translation>新建笔录……</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>笔录</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Revision</source>
        <translation>修订版</translation>
    </message>
    <message>
        <source>Records of the case</source>
        <translation>案件笔录</translation>
    </message>
    <message>
        <source>Created {0}</source>
        <translation>创建于 {0}</translation>
    </message>
</context>
<context>
    <name>RecordState</name>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Being signed</source>
        <translation>签名中</translation>
    </message>
    <message>
        <source>Ready to seal</source>
        <translation>待用印</translation>
    </message>
    <message>
        <source>Stopped (refused)</source>
        <translation>已中止（拒签）</translation>
    </message>
    <message>
        <source>Sealed</source>
        <translation>已用印</translation>
    </message>
</context>
<context>
    <name>SignatoryPanel</name>
    <message>
        <source>Order</source>
        <translation>顺序</translation>
    </message>
    <message>
        <source>Signatory</source>
        <translation>签名人</translation>
    </message>
    <message>
        <source>Signs</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>Person of the case</source>
        <translation>案件人员</translation>
    </message>
    <message>
        <source>Signs at</source>
        <translation>签名地点</translation>
    </message>
    <message>
        <source>{0} (optional)</source>
        <translation>{0}（可选）</translation>
    </message>
    <message>
        <source>{0} signs</source>
        <translation>{0}签名</translation>
    </message>
    <message>
        <source>Automatic (by role and name)</source>
        <translation>自动（按身份和姓名）</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>Always signs this record</source>
        <translation>本文书必须由其签名</translation>
    </message>
    <message>
        <source>Signs because of what the record says ({0})</source>
        <translation>根据文书内容需要其签名（{0}）</translation>
    </message>
    <message>
        <source>Tick to have this signatory sign as well</source>
        <translation>勾选后此人也须签名</translation>
    </message>
</context>
<context>
    <name>Station</name>
    <message>
        <source>This workstation</source>
        <translation>本工作站</translation>
    </message>
    <message>
        <source>Terminal</source>
        <translation>终端</translation>
    </message>
</context>
<context>
    <name>TemplateDialog</name>
    <message>
        <source>New record</source>
        <translation>新建笔录</translation>
    </message>
    <message>
        <source>&amp;Template</source>
        <translation>文书模板(&amp;T)</translation>
    </message>
    <message>
        <source>Record &amp;language</source>
        <translation>文书语言(&amp;L)</translation>
    </message>
    <message>
        <source>Draft…</source>
        <translation>起草……</translation>
    </message>
</context>
<context>
    <name>WorkstationWindow</name>
    <message>
        <source>Inkseal — Workstation {0}</source>
        <translation>Inkseal — 工作站 {0}</translation>
    </message>
    <message>
        <source>New &amp;case…</source>
        <translation>新建案件(&amp;C)……</translation>
    </message>
    <message>
        <source>Add &amp;person…</source>
        <translation>添加人员(&amp;P)……</translation>
    </message>
    <message>
        <source>New &amp;record…</source>
        <translation>新建笔录(&amp;R)……</translation>
    </message>
    <message>
        <source>&amp;Open record</source>
        <translation>打开笔录(&amp;O)</translation>
    </message>
    <message>
        <source>Push to &amp;terminal</source>
        <translation>推送到终端(&amp;T)</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>刷新(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Switch &amp;language</source>
        <translation>切换语言(&amp;L)</translation>
    </message>
    <message>
        <source>Lar&amp;ge type</source>
        <translation>大字体(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;About Inkseal</source>
        <translation>关于 Inkseal(&amp;A)</translation>
    </message>
    <message>
        <source>The terminal link is not configured on this workstation, so records cannot be pushed to a terminal yet.</source>
        <translation>本工作站尚未配置与终端的连接，暂时无法将笔录推送到终端。</translation>
    </message>
    <message>
        <source>Go to the cases</source>
        <translation>转到案件</translation>
    </message>
    <message>
        <source>Go to the persons</source>
        <translation>转到人员</translation>
    </message>
    <message>
        <source>Go to the records</source>
        <translation>转到笔录</translation>
    </message>
    <message>
        <source>Go to the document</source>
        <translation>转到文书</translation>
    </message>
    <message>
        <source>&amp;Workstation</source>
        <translation>工作站(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Main actions</source>
        <translation>主要操作</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文书</translation>
    </message>
    <message>
        <source>Station: {0}</source>
        <translation>工作站：{0}</translation>
    </message>
    <message>
        <source>Database: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message>
        <source>Opening the database…</source>
        <translation>正在打开数据库……</translation>
    </message>
    <message>
        <source>The database could not be opened; see the message and the log.</source>
        <translation>无法打开数据库，请查看提示信息和日志。</translation>
    </message>
    <message>
        <source>Opening the record…</source>
        <translation>正在打开笔录……</translation>
    </message>
    <message>
        <source>{0} · {1} · revision {2}</source>
        <translation>{0} · {1} · 第 {2} 版</translation>
    </message>
    <message>
        <source>About Inkseal</source>
        <translation>关于 Inkseal</translation>
    </message>
    <message>
        <source>Inkseal {0}
Signature-pad signing of interrogation records, sealed as evidence.</source>
        <translation>Inkseal {0}
以签名板签署讯问笔录，并封存为证据。</translation>
    </message>
</context>
</TS>
