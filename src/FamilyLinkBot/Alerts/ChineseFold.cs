using System.Collections.Frozen;

namespace FamilyLinkBot.Alerts;

// docs/DESIGN.md#7-news-alerts: Traditional and Simplified Chinese both match. Rules and headlines are both folded to Simplified before
// matching, so a rule lists one form. The table covers the characters of news about escapees, the border, detention
// and the words the negatives share with them; a character not in it is left as it is. One lookup per character.
internal static class ChineseFold
{
    private const string Traditional =
        "脫鮮難強邊綠鴨圖們關執會議決聯國權韓華審東遼寧長陽瀋龍亞羅區務統計對處號電視應營護衛島員僑歸順轉運離開進過從與為這個時間" +
        "後來該說報導據稱發現還數萬歲婦兒親屬認證請願題驅獄監緝羈嚴厲懲罰鬥遊聲團體組織紀館勞動設學習貸補貼職業訓練獲濟經驗戰爭彈" +
        "試貿銀價漲節藝劇線網條約維輸車鐵橋門問記場將讓種專傳質責譴歡簽陸臺灣濱內殺槍擊遞釋滯異鄉際撥搶掃錢幣匯歐黨軍隊艦飛鏡機構" +
        "辦總領選舉縣鎮鄰漁檢査調緊張協幫販賣買產醫療傷屍遺壓鎖盤訊獎懸賞額費貴穩繼續態勢響顧慮擔憂憐愛帶陣駐實況縮減銳擴復蘇緬達" +
        "樞紐倫爾參佈頒則規範憲訴賠償獨違損飢餓糧針絕禱燭書畫攝覽樂義幹庫標準確識辯師註冊戶遷劃樑閘崗絲頭斃衝險惡環廠礦贈給讀寫語" +
        "譯聞頻廣週歷曆豐齊儘盡隻隨濕溫灑瀏蘭嶺嶽巖峽灘瑪麗纖麼麵於裡裏鬆鬍髮檯颱琿鬱穌適邏討論壇別預謂襲潤興綜競偵盧諜詐騙氣廳築" +
        "誼貨資變禮舊孫媽剛夠兩滿顯擬籲觸見訪結終點嗎載餘閱錄鑑擁衆眾軟韌雙侶術齡擇聽講話誰農藥貧窮災輛";

    private const string Simplified =
        "脱鲜难强边绿鸭图们关执会议决联国权韩华审东辽宁长阳沈龙亚罗区务统计对处号电视应营护卫岛员侨归顺转运离开进过从与为这个时间" +
        "后来该说报导据称发现还数万岁妇儿亲属认证请愿题驱狱监缉羁严厉惩罚斗游声团体组织纪馆劳动设学习贷补贴职业训练获济经验战争弹" +
        "试贸银价涨节艺剧线网条约维输车铁桥门问记场将让种专传质责谴欢签陆台湾滨内杀枪击递释滞异乡际拨抢扫钱币汇欧党军队舰飞镜机构" +
        "办总领选举县镇邻渔检查调紧张协帮贩卖买产医疗伤尸遗压锁盘讯奖悬赏额费贵稳继续态势响顾虑担忧怜爱带阵驻实况缩减锐扩复苏缅达" +
        "枢纽伦尔参布颁则规范宪诉赔偿独违损饥饿粮针绝祷烛书画摄览乐义干库标准确识辩师注册户迁划梁闸岗丝头毙冲险恶环厂矿赠给读写语" +
        "译闻频广周历历丰齐尽尽只随湿温洒浏兰岭岳岩峡滩玛丽纤么面于里里松胡发台台珲郁稣适逻讨论坛别预谓袭润兴综竞侦卢谍诈骗气厅筑" +
        "谊货资变礼旧孙妈刚够两满显拟吁触见访结终点吗载余阅录鉴拥众众软韧双侣术龄择听讲话谁农药贫穷灾辆";

    private static readonly FrozenDictionary<char, char> Map = BuildMap();

    /// <summary>The text with every listed Traditional character replaced by its Simplified form.</summary>
    public static string ToSimplified(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        char[]? folded = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] >= '\u3400' && Map.TryGetValue(text[i], out var simplified))
            {
                folded ??= text.ToCharArray();
                folded[i] = simplified;
            }
        }

        return folded is null ? text : new string(folded);
    }

    private static FrozenDictionary<char, char> BuildMap()
    {
        var map = new Dictionary<char, char>(Traditional.Length);
        for (var i = 0; i < Traditional.Length; i++)
        {
            map[Traditional[i]] = Simplified[i];
        }

        return map.ToFrozenDictionary();
    }
}
